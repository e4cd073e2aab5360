using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.NotificationHubs;
using AcsPush.Functions.Tests.Telemetry;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.Notifications;

/// <summary>
/// The dispatcher when something it does not classify goes wrong: a hub call failing with an unexpected exception, a
/// push that cannot be built, a store that is cancelled, and what each format's result records.
/// </summary>
public sealed class PushDispatcherRecoveryTests : IDisposable
{
    private const string Recipient = "8:acs:9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f_0000001f-bob";
    private static readonly PushNotification Push = new("ev-9", EventKey.For("ev-9"), Recipient, PushKinds.ChatMessage, "Alice", "Hi", "19:t@thread.v2", "1");

    private readonly Mock<INotificationHubsClient> _hub = new(MockBehavior.Strict);
    private readonly Mock<IIdempotencyStore> _store = new(MockBehavior.Strict);
    private readonly DeliveryDeadline _deadline = DeliveryDeadline.Start(TimeSpan.FromSeconds(20), TimeProvider.System);
    private readonly CapturingLogger<PushDispatcher> _logger = new();
    private readonly List<IReadOnlyDictionary<string, FormatState>> _recorded = [];

    public void Dispose() => _deadline.Dispose();

    private PushDispatcher Dispatcher => new(_hub.Object, _store.Object, TestMetrics.Unobserved, _logger);

    private void StoreGrants()
    {
        _store.Grants();
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .Callback((EventClaim _, IReadOnlyDictionary<string, FormatState> results, CancellationToken _) => _recorded.Add(results))
            .Returns(Task.CompletedTask);
    }

    private void HubAnswers(NotificationFormat format, Func<Task<NotificationOutcome>> answer) =>
        _hub.Setup(h => h.SendNotificationAsync(It.Is<NotificationRequest>(r => r.Format == format), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(answer);

    private async Task<Dispatch> SendAndRecordAsync(PushNotification? push = null)
    {
        var dispatch = await Dispatcher.SendAsync(push ?? Push, _deadline);
        await Dispatcher.RecordAsync(dispatch, CancellationToken.None);
        return dispatch;
    }

    [Fact]
    public async Task SendAsync_HubFailsUnexpectedly_TransientLoggedAndLeaseGivenUpWithBothPending()
    {
        StoreGrants();
        HubAnswers(NotificationFormat.Apple, () => throw new InvalidOperationException("defect"));
        HubAnswers(NotificationFormat.FcmV1, () => throw new InvalidOperationException("defect"));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.HubUnavailable), dispatch.Result);
        Assert.Equal(PushResult.Transient, dispatch.Pushes["apple"]);
        Assert.Equal(PushResult.Transient, dispatch.Pushes["fcmv1"]);
        var record = Assert.Single(_recorded);
        Assert.Equal(new Dictionary<string, FormatState> { ["apple"] = FormatState.Pending, ["fcmv1"] = FormatState.Pending }, record);
        Assert.Equal(2, _logger.Lines.Count(l => l.StartsWith("Error: Unexpected failure sending the push for event ev-9", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(NotificationFormat.Apple)]
    [InlineData(NotificationFormat.FcmV1)]
    public async Task SendAsync_OneSentOneCutByTheDeadline_TransientForTheDeadlineAndOnlyTheSentOneRecorded(NotificationFormat cut)
    {
        StoreGrants();
        var other = cut == NotificationFormat.Apple ? NotificationFormat.FcmV1 : NotificationFormat.Apple;
        HubAnswers(cut, () => throw new OperationCanceledException());
        HubAnswers(other, () => Task.FromResult(new NotificationOutcome(201, "t", null)));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.Deadline), dispatch.Result);
        var record = Assert.Single(_recorded);
        Assert.Equal(FormatState.Pending, record[PushPayloadBuilder.FormatName(cut)]);
        Assert.Equal(FormatState.Sent, record[PushPayloadBuilder.FormatName(other)]);
    }

    [Fact]
    public async Task SendAsync_OneRejectedOneSent_SentAndBothRecordedForGood()
    {
        StoreGrants();
        HubAnswers(NotificationFormat.Apple, () => throw new NotificationHubsException("bad", 400, "t-400", isTransient: false));
        HubAnswers(NotificationFormat.FcmV1, () => Task.FromResult(new NotificationOutcome(201, "t", null)));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventOutcome.Sent, dispatch.Result.Outcome);
        Assert.Equal(new Dictionary<string, FormatState> { ["apple"] = FormatState.Rejected, ["fcmv1"] = FormatState.Sent }, Assert.Single(_recorded));
        Assert.Contains(_logger.Lines, l => l.StartsWith("Error: Hub refused push for event ev-9 (apple) with status 400, tracking id t-400; not retried", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_PushThatCannotBeBuilt_RejectedWithoutClaimingOrSending()
    {
        // Routing never produces such a thread id; the dispatcher still refuses it for good rather than fail the delivery.
        var unbuildable = Push with { ThreadId = new string('t', 5000) };

        var dispatch = await SendAndRecordAsync(unbuildable);

        Assert.Equal(EventResult.Rejected(RejectReason.Unbuildable), dispatch.Result);
        Assert.Null(dispatch.Claim);
        _store.VerifyNoOtherCalls();
        _hub.VerifyNoOtherCalls();
        Assert.Contains(_logger.Lines, l => l.StartsWith("Error: Could not build the push for event ev-9; rejected for good", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_ClaimCancelledByTheDeadline_TransientAndLoggedWithoutAnException()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException());

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.StoreUnavailable), dispatch.Result);
        var line = Assert.Single(_logger.Lines);
        Assert.StartsWith("Warning: Idempotency store failed or ran out of time for event ev-9 (claim)", line, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(OperationCanceledException), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ClaimFailsWithAnError_TransientAndLoggedWithTheException()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(503, "table busy"));

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.StoreUnavailable), dispatch.Result);
        var line = Assert.Single(_logger.Lines);
        Assert.StartsWith("Warning: Idempotency store failed or ran out of time for event ev-9 (claim)", line, StringComparison.Ordinal);
        Assert.Contains("table busy", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_CancelledByTheDeadline_LoggedWithoutAnException()
    {
        _store.Grants();
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OperationCanceledException());
        HubAnswers(NotificationFormat.Apple, () => Task.FromResult(new NotificationOutcome(201, "t", null)));
        HubAnswers(NotificationFormat.FcmV1, () => Task.FromResult(new NotificationOutcome(201, "t", null)));

        await SendAndRecordAsync();

        var line = Assert.Single(_logger.Lines, l => l.StartsWith("Warning: Idempotency store failed", StringComparison.Ordinal));
        Assert.StartsWith("Warning: Idempotency store failed or ran out of time for event ev-9 (record)", line, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(OperationCanceledException), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HubFailsTransiently_OneWarningPerFormatWithStatusAndTrackingId()
    {
        StoreGrants();
        HubAnswers(NotificationFormat.Apple, () => throw new NotificationHubsException("busy", 503, "t-503", isTransient: true));
        HubAnswers(NotificationFormat.FcmV1, () => throw new NotificationHubsException("busy", 503, "t-503", isTransient: true));

        await SendAndRecordAsync();

        foreach (var format in new[] { "apple", "fcmv1" })
        {
            Assert.Contains(_logger.Lines, l => l.StartsWith(
                $"Warning: Transient hub failure for event ev-9 ({format}): status 503, tracking id t-503; asking for a retry", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SendAsync_SendCancelledByTheDeadline_OneWarningPerFormat()
    {
        StoreGrants();
        HubAnswers(NotificationFormat.Apple, () => throw new OperationCanceledException());
        HubAnswers(NotificationFormat.FcmV1, () => throw new OperationCanceledException());

        var dispatch = await SendAndRecordAsync();

        Assert.Equal(EventResult.Transient(TransientReason.Deadline), dispatch.Result);
        foreach (var format in new[] { "apple", "fcmv1" })
        {
            Assert.Contains(_logger.Lines, l => l.StartsWith(
                $"Warning: Processing deadline reached while sending the push for event ev-9 ({format}); asking for a retry", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RecordAsync_StoreFails_LogsTheRecordStepWithTheException()
    {
        _store.Grants();
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "table down"));
        HubAnswers(NotificationFormat.Apple, () => Task.FromResult(new NotificationOutcome(201, "t", null)));
        HubAnswers(NotificationFormat.FcmV1, () => Task.FromResult(new NotificationOutcome(201, "t", null)));

        await SendAndRecordAsync();

        Assert.Contains(_logger.Lines, l => l.StartsWith("Warning: Idempotency store failed or ran out of time for event ev-9 (record)", StringComparison.Ordinal) &&
                                            l.Contains("table down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_OnlyTheFormatsSentUnderTheClaim_AreRecorded()
    {
        var claim = StoreFakes.Acquired(Push.Key, Push.EventId, ["fcmv1"]);
        StoreGrants();
        var pushes = new Dictionary<string, PushResult> { ["apple"] = PushResult.AlreadyDone, ["fcmv1"] = PushResult.Rejected };

        await Dispatcher.RecordAsync(new Dispatch(EventResult.Rejected(RejectReason.HubRefused), pushes, claim), CancellationToken.None);

        Assert.Equal(new Dictionary<string, FormatState> { ["fcmv1"] = FormatState.Rejected }, Assert.Single(_recorded));
    }

    [Fact]
    public async Task RecordAsync_ClaimNotAcquired_TouchesNoStore()
    {
        var held = EventClaim.HeldElsewhere(Push.Key, Push.EventId);

        await Dispatcher.RecordAsync(new Dispatch(EventResult.Transient(TransientReason.HeldElsewhere), new Dictionary<string, PushResult>(), held), CancellationToken.None);

        _store.VerifyNoOtherCalls();
    }
}
