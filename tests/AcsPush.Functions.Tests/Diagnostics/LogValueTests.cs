using AcsPush.Functions.Diagnostics;
using Xunit;

namespace AcsPush.Functions.Tests.Diagnostics;

public class LogValueTests
{
    [Theory]
    [InlineData("5f8e2a47-0000-4a2b-9c3d-000000000001", "5f8e2a47-0000-4a2b-9c3d-000000000001")]
    [InlineData("line\r\nbreak\ttab", "line??break?tab")]
    [InlineData("emoji \U0001F600 kept", "emoji \U0001F600 kept")]
    [InlineData(null, "(none)")]
    public void Bound_ShortValue_KeptWithControlCharactersShown(string? value, string expected)
    {
        Assert.Equal(expected, LogValue.Bound(value));
    }

    [Fact]
    public void Bound_LoneSurrogate_ShownAsQuestionMark()
    {
        // Built at run time: an attribute argument cannot carry a lone surrogate.
        Assert.Equal("lone ? surrogate", LogValue.Bound("lone " + (char)0xD800 + " surrogate"));
    }

    [Fact]
    public void Bound_LongValue_CutAndSaysHowMuchWasLeftOut()
    {
        var bounded = LogValue.Bound(new string('x', 400_000));

        Assert.Equal(new string('x', LogValue.MaxLength) + "…(+399900 chars)", bounded);
    }

    [Fact]
    public void Bound_CutInsideASurrogatePair_NeverKeepsHalfOfIt()
    {
        var value = new string('a', LogValue.MaxLength - 1) + "\U0001F600" + "tail";

        var bounded = LogValue.Bound(value);

        Assert.StartsWith(new string('a', LogValue.MaxLength - 1) + "…", bounded, StringComparison.Ordinal);
        Assert.DoesNotContain('\ud83d', bounded);
    }

    [Fact]
    public void Bound_LoneSurrogatesAtEitherEnd_ShownAsQuestionMarks()
    {
        // A high surrogate as the last character has nothing after it, a low one as the first nothing before it.
        Assert.Equal("ab?", LogValue.Bound("ab" + (char)0xD800));
        Assert.Equal("?ab", LogValue.Bound((char)0xDC00 + "ab"));
        Assert.Equal("??", LogValue.Bound(string.Concat((char)0xDC00, (char)0xD800)));
    }

    [Fact]
    public void Bound_MaxLengthZero_KeepsNothingAndSaysHowMuchWasLeftOut()
    {
        Assert.Equal("…(+3 chars)", LogValue.Bound("abc", 0));
    }
}
