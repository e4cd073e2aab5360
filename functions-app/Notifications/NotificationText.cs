using System.Globalization;
using System.Net;
using System.Text;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Turns user-written text into push-safe text: valid UTF-16 (so valid UTF-8 on the wire), single-line,
/// and shortened on user-perceived character (grapheme cluster) boundaries, so an emoji, a flag or a
/// combining sequence is never cut in half. Input of any length costs bounded work: only the first
/// <see cref="MaxInputLength"/> characters are looked at, and markup is removed in one linear pass (no regular expression).
/// </summary>
public static class NotificationText
{
    /// <summary>Appended to text that was shortened.</summary>
    public const string Ellipsis = "\u2026";

    /// <summary>Characters of a message read at most: far more than any preview shows (2,000 user-perceived characters).</summary>
    public const int MaxInputLength = 32 * 1024;

    /// <summary>
    /// Replaces unpaired surrogates with U+FFFD, turns control characters and line breaks into spaces, and
    /// collapses runs of white space.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                Append(builder, ref pendingSpace, c);
                builder.Append(text[++i]);
                continue;
            }

            if (char.IsSurrogate(c))
            {
                c = '\uFFFD';
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            Append(builder, ref pendingSpace, c);
        }

        return builder.ToString();

        static void Append(StringBuilder builder, ref bool pendingSpace, char c)
        {
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }
    }

    /// <summary>
    /// Removes markup from an HTML chat message and decodes its entities: every <c>&lt;…&gt;</c> becomes a space, and a
    /// <c>&lt;</c> that is never closed stays as text. Reads at most <see cref="MaxInputLength"/> characters.
    /// </summary>
    public static string FromHtml(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var text = Bound(html);
        var builder = new StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf('<', position);
            var close = open < 0 ? -1 : text.IndexOf('>', open + 1);
            if (close < 0)
            {
                // No complete tag left: the rest is text.
                builder.Append(text, position, text.Length - position);
                break;
            }

            builder.Append(text, position, open - position).Append(' ');
            position = close + 1;
        }

        return WebUtility.HtmlDecode(builder.ToString());
    }

    /// <summary>
    /// Cleans <paramref name="text"/> and keeps at most <paramref name="maxTextElements"/> user-perceived
    /// characters, adding <see cref="Ellipsis"/> when it had to shorten.
    /// </summary>
    public static string Preview(string? text, int maxTextElements)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTextElements);
        var bounded = text is null ? null : Bound(text);
        var clean = Clean(bounded);
        var elements = TextElements(clean);
        return elements.Count <= maxTextElements && ReferenceEquals(bounded, text) ? clean : Shorten(elements, maxTextElements);
    }

    /// <summary>Splits <paramref name="text"/> into user-perceived characters (extended grapheme clusters).</summary>
    public static IReadOnlyList<string> TextElements(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }

    /// <summary>The first <paramref name="count"/> elements, without trailing spaces, followed by <see cref="Ellipsis"/>.</summary>
    public static string Shorten(IReadOnlyList<string> elements, int count)
    {
        ArgumentNullException.ThrowIfNull(elements);
        return string.Concat(elements.Take(count)).TrimEnd() + Ellipsis;
    }

    // The first MaxInputLength characters, never ending in half a surrogate pair.
    private static string Bound(string text) => Utf16.Prefix(text, MaxInputLength);
}
