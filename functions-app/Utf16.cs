namespace AcsPush.Functions;

/// <summary>Cutting .NET strings (UTF-16) without splitting a character.</summary>
internal static class Utf16
{
    /// <summary>
    /// The first <paramref name="maxLength"/> characters of <paramref name="text"/>, or one fewer when the cut would
    /// leave the first half of a surrogate pair at the end; <paramref name="text"/> itself when it is not longer.
    /// </summary>
    public static string Prefix(string text, int maxLength)
    {
        // Stryker disable once Equality: at exactly maxLength, < cuts nothing either (a valid string cannot end in the
        // first half of a surrogate pair).
        if (text.Length <= maxLength)
        {
            return text;
        }

        var keep = maxLength > 0 && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return text[..keep];
    }
}
