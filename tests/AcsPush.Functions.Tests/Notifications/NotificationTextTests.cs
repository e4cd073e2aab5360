using Xunit;
using System.Text;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Tests.Notifications;

public class NotificationTextTests
{
    [Theory]
    [InlineData("hello", 10, "hello")]
    [InlineData("hello world", 5, "hello\u2026")]
    [InlineData("hello world", 6, "hello\u2026")]
    [InlineData("line one\r\n\tline two", 100, "line one line two")]
    [InlineData("  padded  ", 100, "padded")]
    [InlineData("", 5, "")]
    [InlineData(null, 5, "")]
    public void Preview_VariousText_ShortensOnElementBoundaries(string? text, int max, string expected)
    {
        Assert.Equal(expected, NotificationText.Preview(text, max));
    }

    [Theory]
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466abc", 1, "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466\u2026")]
    [InlineData("\U0001F1EB\U0001F1F7\U0001F1EF\U0001F1F5", 1, "\U0001F1EB\U0001F1F7\u2026")]
    [InlineData("e\u0301e\u0301e\u0301", 2, "e\u0301e\u0301\u2026")]
    [InlineData("\U0001F600\U0001F601\U0001F602", 2, "\U0001F600\U0001F601\u2026")]
    [InlineData("你好世界你好世界", 4, "你好世界\u2026")]
    public void Preview_GraphemeClusters_NeverSplitsACluster(string text, int max, string expected)
    {
        Assert.Equal(expected, NotificationText.Preview(text, max));
    }

    // Built at run time: an attribute argument cannot carry a lone surrogate (it would arrive as U+FFFD already).
    public static TheoryData<string> UnpairedSurrogates() => new() { "a" + (char)0xD800 + "b", "x" + (char)0xDC00 + "y", ((char)0xD83D).ToString() };

    [Theory]
    [MemberData(nameof(UnpairedSurrogates), DisableDiscoveryEnumeration = true)]
    public void Clean_UnpairedSurrogate_ReplacedSoUtf8IsValid(string text)
    {
        Assert.DoesNotContain('\uFFFD', text);
        var clean = NotificationText.Clean(text);

        Assert.Contains('\uFFFD', clean);
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.Equal(clean, strict.GetString(strict.GetBytes(clean)));
    }

    [Theory]
    [InlineData("<p>Hello <b>there</b></p>", "Hello there")]
    [InlineData("Fish &amp; chips &lt;3", "Fish & chips <3")]
    public void FromHtml_Markup_ReturnsPlainText(string html, string expected)
    {
        Assert.Equal(expected, NotificationText.Clean(NotificationText.FromHtml(html)));
    }

    [Theory]
    [InlineData("a < b and c > d", "a   d")]
    [InlineData("no tags < here", "no tags < here")]
    [InlineData("<<<b>x", " x")]
    [InlineData("x<", "x<")]
    public void FromHtml_UnclosedOrNestedAngles_StripsOnlyCompleteTags(string html, string expected)
    {
        Assert.Equal(expected, NotificationText.FromHtml(html));
    }

    [Fact]
    public void FromHtml_SixHundredThousandOpeningAngles_ReturnsTextInLinearTime()
    {
        var html = new string('<', 600_000);

        var text = NotificationText.FromHtml(html);

        // No regular expression: an unclosed '<' is text, and only the first MaxInputLength characters are read.
        Assert.Equal(new string('<', NotificationText.MaxInputLength), text);
        Assert.EndsWith(NotificationText.Ellipsis, NotificationText.Preview(html, 180), StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_TextLongerThanInputBound_EndsWithEllipsisEvenWhenFewElements()
    {
        // One grapheme cluster longer than the bound: a letter with 40,000 combining marks.
        var text = "e" + new string('\u0301', 40_000);

        var preview = NotificationText.Preview(text, 180);

        Assert.EndsWith(NotificationText.Ellipsis, preview, StringComparison.Ordinal);
        Assert.True(preview.Length <= NotificationText.MaxInputLength + 1);
    }
}
