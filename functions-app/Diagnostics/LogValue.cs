using System.Globalization;
using System.Text;

namespace AcsPush.Functions.Diagnostics;

/// <summary>
/// Bounds text that comes from a request (event ids, event types, header values) before it reaches a log line or an
/// answer: at most <see cref="MaxLength"/> characters, control characters shown as <c>?</c>, and the number of characters
/// left out said, so that a 400,000-character id costs one short field.
/// </summary>
internal static class LogValue
{
    /// <summary>Characters kept of a value.</summary>
    public const int MaxLength = 100;

    /// <summary><paramref name="text"/> bounded to <paramref name="maxLength"/> characters; <c>(none)</c> for null.</summary>
    public static string Bound(string? text, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return "(none)";
        }

        var keep = Utf16.Prefix(text, maxLength).Length;

        var builder = new StringBuilder(keep + 24);
        for (var i = 0; i < keep; i++)
        {
            var c = text[i];
            builder.Append(char.IsControl(c) || (char.IsSurrogate(c) && !IsPaired(text, i, keep)) ? '?' : c);
        }

        if (keep < text.Length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…(+{text.Length - keep} chars)");
        }

        return builder.ToString();
    }

    private static bool IsPaired(string text, int index, int end) =>
        char.IsHighSurrogate(text[index])
            ? index + 1 < end && char.IsLowSurrogate(text[index + 1])
            : index > 0 && char.IsHighSurrogate(text[index - 1]);
}

/// <summary>A request-supplied value in a log line, bounded by <see cref="LogValue.Bound"/> only when the line is written.</summary>
internal readonly record struct Bounded(string? Text)
{
    public override string ToString() => LogValue.Bound(Text);
}
