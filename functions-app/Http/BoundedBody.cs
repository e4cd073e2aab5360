using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Http;

/// <summary>Reads request bodies up to a size limit, refusing larger ones with or without a Content-Length.</summary>
internal static class BoundedBody
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Reads at most <paramref name="maxBytes"/>; null when the body is larger.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest req, int maxBytes, CancellationToken cancellationToken)
    {
        if (req.ContentLength > maxBytes)
        {
            return null;
        }

        // The first buffer's size only: the declared length, bounded on both sides; the writer grows as it needs to.
        // Stryker disable once all: a capacity changes no result, only how often the writer grows.
        var writer = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(req.ContentLength ?? ChunkBytes, 256), maxBytes + 1L));
        while (true)
        {
            var memory = writer.GetMemory(ChunkBytes);
            var read = await req.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return writer.WrittenMemory;
            }

            writer.Advance(read);
            if (writer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}
