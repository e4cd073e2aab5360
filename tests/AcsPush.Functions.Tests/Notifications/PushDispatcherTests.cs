using Xunit;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.NotificationHubs;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace AcsPush.Functions.Tests.Notifications;

public class PushDispatcherTests
{
    private const string Recipient = "8:acs:9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f_0000001f-bob";
    private static readonly PushNotification Push = new("ev-1", Recipient, PushKinds.ChatMessage, "Alice", "Hi", "19:t@thread.v2", "1");

    private readonly Mock<INotificationHubsClient> _hub = new(MockBehavior.Strict);
    private readonly Mock<IIdempotencyStore> _store = new(MockBehavior.Strict);

    private PushDispatcher Dispatcher() => new(_hub.Object, _store.Object, NullLogger<PushDispatcher>.Instance);

    private static PushLease LeaseFor(IdempotencyKey key) => new(key, "lease", DateTimeOffset.UnixEpoch, "etag");

    private void StoreGrants()
    {
        _store.Setup(s => s.TryAcquireAsync(It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IdempotencyKey key, CancellationToken _) => new LeaseResult(LeaseStatus.Acquired, LeaseFor(key)));
        _store.Setup(s => s.CompleteAsync(It.IsAny<PushLease>(), It.IsAny<CompletionState>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _store.Setup(s => s.ReleaseAsync(It.IsAny<PushLease>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    [Fact]
    public async Task DispatchAsync_Accepted_SendsBothFormatsToRecipientTagAndRecordsSent()
    {
        StoreGrants();
        var sent = new List<(NotificationFormat Format, string Tag)>();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((NotificationRequest r, string tag, CancellationToken _) => sent.Add((r.Format, tag)))
            .ReturnsAsync(new NotificationOutcome(201, "tracking", null));

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(new DispatchResult(Sent: 2, Duplicates: 0, Rejected: 0, Transient: 0), result);
        var tag = RecipientTag.For(Recipient);
        Assert.Equal([(NotificationFormat.Apple, tag), (NotificationFormat.FcmV1, tag)], sent);
        _store.Verify(s => s.CompleteAsync(It.Is<PushLease>(l => l.Key.Format == "apple" && l.Key.EventId == "ev-1"), CompletionState.Sent, It.IsAny<CancellationToken>()), Times.Once);
        _store.Verify(s => s.CompleteAsync(It.Is<PushLease>(l => l.Key.Format == "fcmv1"), CompletionState.Sent, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(LeaseStatus.AlreadyCompleted, 2, 0)]
    [InlineData(LeaseStatus.HeldElsewhere, 0, 2)]
    public async Task DispatchAsync_NotAcquired_DoesNotSend(LeaseStatus status, int duplicates, int transient)
    {
        _store.Setup(s => s.TryAcquireAsync(It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>())).ReturnsAsync(new LeaseResult(status));

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(new DispatchResult(0, duplicates, 0, transient), result);
        _hub.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(429, true, 0, 2)]
    [InlineData(503, true, 0, 2)]
    [InlineData(0, true, 0, 2)]
    [InlineData(400, false, 2, 0)]
    [InlineData(413, false, 2, 0)]
    [InlineData(401, false, 0, 2)]
    [InlineData(403, false, 0, 2)]
    [InlineData(404, false, 0, 2)]
    public async Task DispatchAsync_HubFails_ReleasesTransientAndRecordsPermanent(int status, bool transient, int expectedRejected, int expectedTransient)
    {
        StoreGrants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("failed", status, "tracking", transient));

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(new DispatchResult(0, 0, expectedRejected, expectedTransient), result);
        _store.Verify(s => s.ReleaseAsync(It.IsAny<PushLease>(), It.IsAny<CancellationToken>()), Times.Exactly(expectedTransient));
        _store.Verify(s => s.CompleteAsync(It.IsAny<PushLease>(), CompletionState.Rejected, It.IsAny<CancellationToken>()), Times.Exactly(expectedRejected));
        _store.Verify(s => s.CompleteAsync(It.IsAny<PushLease>(), CompletionState.Sent, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(401, "NotificationHubs:ConnectionString")]
    [InlineData(403, "NotificationHubs:ConnectionString")]
    [InlineData(404, "NotificationHubs:HubName")]
    public async Task DispatchAsync_HubRefusesConfiguration_LogsErrorNamingWhatToCheck(int status, string setting)
    {
        StoreGrants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("refused", status, "tracking-7", isTransient: false));
        var logger = new CapturingLogger<PushDispatcher>();

        var result = await new PushDispatcher(_hub.Object, _store.Object, logger).DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(2, result.Transient);
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("Error:", StringComparison.Ordinal) && l.Contains(setting, StringComparison.Ordinal) && l.Contains("tracking-7", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DispatchAsync_DeadlineDuringSend_ReleasesLease()
    {
        StoreGrants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException());

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(2, result.Transient);
        _store.Verify(s => s.ReleaseAsync(It.IsAny<PushLease>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task DispatchAsync_StoreUnavailable_TransientWithoutSending()
    {
        _store.Setup(s => s.TryAcquireAsync(It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(503, "unavailable"));

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(new DispatchResult(0, 0, 0, 2), result);
        _hub.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task DispatchAsync_RecordingFailsAfterSend_StillCountsSent()
    {
        _store.Setup(s => s.TryAcquireAsync(It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IdempotencyKey key, CancellationToken _) => new LeaseResult(LeaseStatus.Acquired, LeaseFor(key)));
        _store.Setup(s => s.CompleteAsync(It.IsAny<PushLease>(), It.IsAny<CompletionState>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "boom"));
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, null, null));

        var result = await Dispatcher().DispatchAsync(Push, CancellationToken.None);

        Assert.Equal(2, result.Sent);
        _hub.Verify(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
