using AcsPush.Functions.Idempotency;
using Xunit;

namespace AcsPush.Functions.Tests.Idempotency;

/// <summary>The stored key is the SHA-256 of the UTF-8 event id, lower-case hex; the collapse id is its first half.</summary>
public sealed class EventKeyTests
{
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("\u00e9", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")]
    [InlineData("\U0001F600", "f0443a342c5ef54783a111b51ba56c938e474c32324d90c3a60c9c8e3a37e2d9")]
    public void For_EventId_IsTheLowerCaseHexSha256OfItsUtf8Bytes(string eventId, string sha256)
    {
        var key = EventKey.For(eventId);

        Assert.Equal(sha256, key.Hash);
        Assert.Equal(sha256, key.ToString());
        Assert.Equal(sha256[..32], key.CollapseId);
    }
}
