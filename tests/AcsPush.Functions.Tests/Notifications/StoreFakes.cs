using AcsPush.Functions.Idempotency;
using Moq;

namespace AcsPush.Functions.Tests.Notifications;

/// <summary>Claims as <see cref="IIdempotencyStore"/> hands them out, for tests that mock the store.</summary>
internal static class StoreFakes
{
    public static EventClaim Acquired(EventKey key, string eventId, IReadOnlyList<string> formats) =>
        new(ClaimStatus.Acquired, key, eventId, formats, new Dictionary<string, FormatState>(), DateTimeOffset.UnixEpoch, "lease", "etag");

    /// <summary>Every claim acquired for every format; every record accepted.</summary>
    public static void Grants(this Mock<IIdempotencyStore> store)
    {
        store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EventKey key, string eventId, IReadOnlyList<string> formats, CancellationToken _) => Acquired(key, eventId, formats));
        store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);
    }
}
