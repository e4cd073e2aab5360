using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.NotificationHubs;
using AcsPush.Functions.Tests.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.Notifications;

public sealed class PushDispatcherTests : IDisposable
{
    private const string Recipient = "8:acs:9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f_0000001f-bob";
    private static readonly PushNotification Push = new("ev-1", EventKey.For("ev-1"), Recipient, PushKinds.ChatMessage, "Alice", "Hi", "19:t@thread.v2", "1");

    private readonly Mock<INotificationHubsClient> _hub = new(MockBehavior.Strict);
    private readonly Mock<IIdempotencyStore> _store = new(MockBehavior.Strict);
    private readonly DeliveryDeadline _deadline = DeliveryDeadline.Start(TimeSpan.FromSeconds(20), TimeProvider.System);
    private readonly List<IReadOnlyDictionary<string, FormatState>> _recorded = [];

    public void Dispose() => _deadline.Dispose();

    private PushDispatcher Dispatcher(Microsoft.Extensions.Logging.ILogger<PushDispatcher>? logger = null) =>
        new(_hub.Object, _store.Object, TestMetrics.Unobserved, logger ?? NullLogger<PushDispatcher>.Instance);

    private void StoreGrants()
    {
        _store.Grants();
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .Callback((EventClaim _, IReadOnlyDictionary<string, FormatState> results, CancellationToken _) => _recorded.Add(results))
            .Returns(Task.CompletedTask);
    }

    private void HubThrows(Exception error) =>
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);

    private async Task<Dispatch> SendAndRecordAsync()
    {
        var dispatcher = Dispatcher();
        var dispatch = await dispatcher.SendAsync(Push, _deadline);
        await dispatcher.RecordAsync(dispatch, CancellationToken.None);
        return dispatch;
    }

    [Fact]
    public async Task SendAsync_Accepted_SendsBothFormatsWithCollapseIdAndDeadlineThenRecordsBothInOneUpdate()
    {
        StoreGrants();
        var sent = new List<(NotificationRequest Request, string Tag)>();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((NotificationRequest r, string tag, CancellationToken _) => { lock (sent) { sent.Add((r, tag)); } })
            .ReturnsAsync(new NotificationOutcome(201, "tracking", null));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventOutcome.Sent, dispatch.Result.Outcome);
        Assert.Equal([NotificationFormat.Apple, NotificationFormat.FcmV1], sent.Select(s => s.Request.Format).Order());
        Assert.All(sent, s => Assert.Equal(RecipientTag.For(Recipient), s.Tag));
        Assert.All(sent, s => Assert.Equal(_deadline.SendBy, s.Request.Deadline));
        Assert.Equal(Push.CollapseId, sent.Single(s => s.Request.Format == NotificationFormat.Apple).Request.Headers!["apns-collapse-id"]);
        var record = Assert.Single(_recorded);
        Assert.Equal(FormatState.Sent, record["apple"]);
        Assert.Equal(FormatState.Sent, record["fcmv1"]);
        _store.Verify(s => s.ClaimAsync(Push.Key, "ev-1", It.IsAny<IReadOnlyList<string>>(), _deadline.SendToken), Times.Once);
    }

    [Fact]
    public async Task SendAsync_OneFormatDoneBefore_SendsOnlyTheOther()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EventKey key, string id, IReadOnlyList<string> _, CancellationToken _) =>
                StoreFakes.Acquired(key, id, ["fcmv1"]) with { Done = new Dictionary<string, FormatState> { ["apple"] = FormatState.Sent } });
        _hub.Setup(h => h.SendNotificationAsync(It.Is<NotificationRequest>(r => r.Format == NotificationFormat.FcmV1), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, null, null));

        var dispatch = await Dispatcher().SendAsync(Push, _deadline);

        Assert.Equal(EventOutcome.Sent, dispatch.Result.Outcome);
        Assert.Equal(PushResult.AlreadyDone, dispatch.Pushes["apple"]);
        Assert.Equal(PushResult.Sent, dispatch.Pushes["fcmv1"]);
    }

    [Theory]
    [InlineData(ClaimStatus.AlreadyDone, EventOutcome.Duplicate)]
    [InlineData(ClaimStatus.HeldElsewhere, EventOutcome.Transient)]
    public async Task SendAsync_NotAcquired_SendsAndRecordsNothing(ClaimStatus status, EventOutcome expected)
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EventKey key, string id, IReadOnlyList<string> _, CancellationToken _) => status == ClaimStatus.AlreadyDone
                ? EventClaim.AlreadyDone(key, id, new Dictionary<string, FormatState> { ["apple"] = FormatState.Sent, ["fcmv1"] = FormatState.Sent })
                : EventClaim.HeldElsewhere(key, id));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(expected, dispatch.Result.Outcome);
        _hub.VerifyNoOtherCalls();
        _store.Verify(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(429, true, EventOutcome.Transient, FormatState.Pending)]
    [InlineData(503, true, EventOutcome.Transient, FormatState.Pending)]
    [InlineData(0, true, EventOutcome.Transient, FormatState.Pending)]
    [InlineData(400, false, EventOutcome.Rejected, FormatState.Rejected)]
    [InlineData(413, false, EventOutcome.Rejected, FormatState.Rejected)]
    [InlineData(401, false, EventOutcome.Transient, FormatState.Pending)]
    [InlineData(403, false, EventOutcome.Transient, FormatState.Pending)]
    [InlineData(404, false, EventOutcome.Transient, FormatState.Pending)]
    public async Task SendAsync_HubFails_LeavesTransientPendingAndRecordsPermanent(int status, bool transient, EventOutcome expected, FormatState recorded)
    {
        StoreGrants();
        HubThrows(new NotificationHubsException("failed", status, "tracking", transient));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(expected, dispatch.Result.Outcome);
        Assert.Equal(recorded, Assert.Single(_recorded)["apple"]);
        Assert.Equal(recorded, _recorded[0]["fcmv1"]);
    }

    [Theory]
    [InlineData(401, "NotificationHubs:ConnectionString")]
    [InlineData(403, "NotificationHubs:ConnectionString")]
    [InlineData(404, "NotificationHubs:HubName")]
    public async Task SendAsync_HubRefusesConfiguration_LogsErrorNamingWhatToCheck(int status, string setting)
    {
        StoreGrants();
        HubThrows(new NotificationHubsException("refused", status, "tracking-7", isTransient: false));
        var logger = new CapturingLogger<PushDispatcher>();

        var dispatch = await Dispatcher(logger).SendAsync(Push, _deadline);

        Assert.Equal(TransientReason.HubMisconfigured, dispatch.Result.TransientReason);
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("Error:", StringComparison.Ordinal) && l.Contains(setting, StringComparison.Ordinal) && l.Contains("tracking-7", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SendAsync_DeadlineDuringSend_TransientAndRecordedPending()
    {
        StoreGrants();
        HubThrows(new OperationCanceledException());

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.Deadline), dispatch.Result);
        Assert.All(_recorded.Single().Values, state => Assert.Equal(FormatState.Pending, state));
    }

    [Fact]
    public async Task SendAsync_StoreUnavailable_TransientWithoutSending()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(503, "unavailable"));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.StoreUnavailable), dispatch.Result);
        _hub.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task RecordAsync_StoreFailsAfterSend_StillSentAndNeverThrows()
    {
        _store.Grants();
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "boom"));
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, null, null));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventOutcome.Sent, dispatch.Result.Outcome);
        _hub.Verify(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Theory]
    [InlineData(new[] { PushResult.Sent, PushResult.Transient }, EventOutcome.Transient)]
    [InlineData(new[] { PushResult.Sent, PushResult.AlreadyDone }, EventOutcome.Sent)]
    [InlineData(new[] { PushResult.Sent, PushResult.Rejected }, EventOutcome.Sent)]
    [InlineData(new[] { PushResult.AlreadyDone, PushResult.AlreadyDone }, EventOutcome.Duplicate)]
    [InlineData(new[] { PushResult.AlreadyDone, PushResult.Rejected }, EventOutcome.Rejected)]
    [InlineData(new[] { PushResult.Rejected, PushResult.Rejected }, EventOutcome.Rejected)]
    [InlineData(new[] { PushResult.Rejected, PushResult.Transient }, EventOutcome.Transient)]
    public void FromPushes_EveryCombination_OneOutcome(PushResult[] pushes, EventOutcome expected)
    {
        Assert.Equal(expected, EventResult.FromPushes(pushes, TransientReason.HubUnavailable).Outcome);
    }
}
