using AcsPush.Functions.Http;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AcsPush.Functions.Tests.Http;

public class BoundedBodyTests
{
    private const int Limit = 1000;

    // A body stream that hands out at most a few bytes per read, as a network stream does, and counts what was read.
    private sealed class TrickleStream(byte[] content) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7)], cancellationToken);
    }

    private static HttpRequest Request(int bodyBytes, long? contentLength, out TrickleStream body)
    {
        var context = new DefaultHttpContext();
        body = new TrickleStream(Enumerable.Range(0, bodyBytes).Select(i => (byte)i).ToArray());
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    [Theory]
    [InlineData(Limit, true)]
    [InlineData(Limit - 1, true)]
    [InlineData(0, true)]
    [InlineData(Limit + 1, false)]
    public async Task ReadAsync_DeclaredLength_ReadsUpToTheLimitInclusive(int bytes, bool read)
    {
        var body = await BoundedBody.ReadAsync(Request(bytes, bytes, out _), Limit, CancellationToken.None);

        Assert.Equal(read, body is not null);
        if (body is { } memory)
        {
            Assert.Equal(Enumerable.Range(0, bytes).Select(i => (byte)i), memory.ToArray());
        }
    }

    [Theory]
    [InlineData(Limit, true)]
    [InlineData(Limit + 1, false)]
    [InlineData(Limit * 50, false)]
    public async Task ReadAsync_NoDeclaredLength_ReadsUpToTheLimitInclusive(int bytes, bool read)
    {
        var body = await BoundedBody.ReadAsync(Request(bytes, null, out var stream), Limit, CancellationToken.None);

        Assert.Equal(read, body is not null);
        Assert.Equal(read ? bytes : null, body?.Length);
        // A body over the limit is read no further than the read that crossed it: 1,001 bytes are 143 reads of 7.
        Assert.Equal(read ? bytes : Limit + 1, stream.Position);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheLimit_RefusedWithoutReadingTheBody()
    {
        var body = await BoundedBody.ReadAsync(Request(10, Limit + 1, out var stream), Limit, CancellationToken.None);

        Assert.Null(body);
        Assert.Equal(0, stream.Position);
    }

    [Theory]
    [InlineData(10, 10, true)]
    [InlineData(11, 10, false)]
    [InlineData(1, 0, false)]
    [InlineData(0, 0, true)]
    public async Task ReadAsync_LimitsSmallerThanABuffer_StillHold(int bytes, int limit, bool read)
    {
        var body = await BoundedBody.ReadAsync(Request(bytes, null, out _), limit, CancellationToken.None);

        Assert.Equal(read ? bytes : null, body?.Length);
    }
}
