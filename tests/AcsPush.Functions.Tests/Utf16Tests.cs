using Xunit;

namespace AcsPush.Functions.Tests;

public class Utf16Tests
{
    [Theory]
    [InlineData("abc", 5, "abc")]
    [InlineData("abc", 3, "abc")]
    [InlineData("abc", 2, "ab")]
    [InlineData("abc", 0, "")]
    [InlineData("a\U0001F600", 2, "a")]
    [InlineData("a\U0001F600", 3, "a\U0001F600")]
    [InlineData("\U0001F600b", 1, "")]
    public void Prefix_CutsAtMostMaxLengthAndNeverInsideAPair(string text, int maxLength, string expected)
    {
        Assert.Equal(expected, Utf16.Prefix(text, maxLength));
    }
}
