using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.NotificationHubs;
using AcsPush.Functions.Tests.Notifications;
using AcsPush.Functions.Tests.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public sealed class EventBatchProcessorTests : IDisposable
{
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private readonly Mock<INotificationHubsClient> _hub = new();
    private readonly Mock<IIdempotencyStore> _store = new();

    public EventBatchProcessorTests()
    {
        _store.Grants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, null, null));
    }

    private readonly DeliveryDeadline _deadline = DeliveryDeadline.Start(TimeSpan.FromSeconds(20), TimeProvider.System);

    public void Dispose() => _deadline.Dispose();

    private async Task<BatchResult> ProcessAsync(EventBatchProcessor processor, IReadOnlyList<IncomingEvent> events, DeliveryDeadline? deadline = null)
    {
        var tally = new BatchTally(events.Count);
        await processor.ProcessAsync(events, deadline ?? _deadline, tally);
        return tally.Result();
    }

    private EventBatchProcessor Processor(int concurrency = 4, ILogger<EventBatchProcessor>? logger = null)
    {
        var router = new ChatEventRouter(Options.Create(new NotificationsOptions()));
        var dispatcher = new PushDispatcher(_hub.Object, _store.Object, TestMetrics.Unobserved, NullLogger<PushDispatcher>.Instance);
        return new EventBatchProcessor(router, dispatcher, Options.Create(new WebhookOptions { MaxConcurrency = concurrency }), logger ?? NullLogger<EventBatchProcessor>.Instance);
    }

    private static IReadOnlyList<IncomingEvent> Events(params (string Id, string Recipient)[] events)
    {
        var body = TestEvents.Batch(events.Select(e => (JsonNode)TestEvents.EventGridEnvelope(e.Id, TestEvents.ChatMessageReceived, TestEvents.MessageData(e.Recipient, Alice))).ToArray());
        return EventGridRequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), "application/json").Events;
    }

    [Fact]
    public async Task ProcessAsync_AlreadyCancelled_StartsNothingAndAsksForRetry()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using var deadline = DeliveryDeadline.Start(TimeSpan.FromSeconds(20), TimeProvider.System, cancelled.Token);

        var logger = new CapturingLogger<EventBatchProcessor>();
        var result = await ProcessAsync(Processor(logger: logger), Events(("a", TestEvents.AcsUser("b")), ("c", TestEvents.AcsUser("d"))), deadline);

        Assert.True(result.NeedsRetry);
        Assert.Equal(2, result.Outcomes.Transient);
        Assert.Equal(new Dictionary<TransientReason, int> { [TransientReason.NotStarted] = 2 }, result.Retries);
        Assert.Equal(["Event a is left for a retry: NotStarted", "Event c is left for a retry: NotStarted"], logger.Messages.Order(StringComparer.Ordinal));
        _hub.VerifyNoOtherCalls();
        _store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(EventBatchProcessor.MaxRejectionLogsPerDelivery, false)]
    [InlineData(EventBatchProcessor.MaxRejectionLogsPerDelivery + 1, true)]
    public async Task ProcessAsync_RejectedEvents_LogsTheFirstOneByOneAndSumsUpOnlyBeyondThem(int rejected, bool summed)
    {
        var logger = new CapturingLogger<EventBatchProcessor>();
        var body = TestEvents.Batch(Enumerable.Range(0, rejected)
            .Select(i => (JsonNode)TestEvents.EventGridEnvelope($"r{i}", "Contoso.Unrelated.Event", TestEvents.MessageData(TestEvents.AcsUser("b"), Alice)))
            .ToArray());
        var events = EventGridRequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), "application/json").Events;

        var result = await ProcessAsync(Processor(logger: logger), events);

        Assert.Equal(rejected, result.Outcomes.Rejected);
        Assert.Equal(EventBatchProcessor.MaxRejectionLogsPerDelivery, logger.Messages.Count(m => m.StartsWith("Acknowledged event #", StringComparison.Ordinal)));
        var summary = $"{rejected} events of the delivery were acknowledged without a push; the first {EventBatchProcessor.MaxRejectionLogsPerDelivery} are logged one by one";
        Assert.Equal(summed, logger.Messages.Contains(summary));
    }

    [Fact]
    public async Task ProcessAsync_RepeatedIds_CountsDuplicatesAndSendsOnce()
    {
        var result = await ProcessAsync(Processor(), Events(("x", TestEvents.AcsUser("b")), ("x", TestEvents.AcsUser("b")), ("x", TestEvents.AcsUser("b"))));

        Assert.Equal(new OutcomeCounts(Sent: 1, Duplicate: 2, Rejected: 0, Transient: 0), result.Outcomes);
        Assert.Equal(new PushCounts(Sent: 2, Duplicates: 0, Rejected: 0, Transient: 0), result.Pushes);
        _hub.Verify(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ProcessAsync_ConcurrencyLimit_EventsAtOnceNeverExceedLimit(int limit)
    {
        var active = 0;
        var peak = 0;
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                var now = Interlocked.Increment(ref active);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                await Task.Delay(5);
                Interlocked.Decrement(ref active);
                return new NotificationOutcome(201, null, null);
            });

        var result = await ProcessAsync(Processor(limit), Events(Enumerable.Range(0, 12).Select(i => ($"e{i}", TestEvents.AcsUser($"u{i}"))).ToArray()));

        Assert.Equal(24, result.Pushes.Sent);
        // Each event sends its formats side by side, so at most `limit` events means at most that many sends per format.
        Assert.InRange(peak, 1, limit * PushPayloadBuilder.Formats.Count);
    }

    [Fact]
    public async Task ProcessAsync_RecordSlow_NextEventSendsBeforeTheRecordEnds()
    {
        // One slot: if the slot were held while recording, the second event could not send before the first record ends.
        var firstRecordPending = new TaskCompletionSource();
        var secondEventSentWhileFirstRecordPending = false;
        var records = 0;
        _store.Setup(s => s.RecordAsync(It.IsAny<EventClaim>(), It.IsAny<IReadOnlyDictionary<string, FormatState>>(), It.IsAny<CancellationToken>()))
            .Returns(() => Interlocked.Increment(ref records) == 1 ? firstRecordPending.Task.WaitAsync(TimeSpan.FromSeconds(5)) : Task.CompletedTask);
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), RecipientTag.For(TestEvents.AcsUser("c")), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                secondEventSentWhileFirstRecordPending |= Volatile.Read(ref records) == 1 && !firstRecordPending.Task.IsCompleted;
                firstRecordPending.TrySetResult();
                return new NotificationOutcome(201, null, null);
            });

        var result = await ProcessAsync(Processor(concurrency: 1), Events(("r1", TestEvents.AcsUser("b")), ("r2", TestEvents.AcsUser("c"))));

        Assert.Equal(2, result.Outcomes.Sent);
        Assert.True(secondEventSentWhileFirstRecordPending);
        Assert.Equal(2, records);
    }

    [Fact]
    public async Task ProcessAsync_InvalidAndSkippedEvents_RejectedWhileOthersSent()
    {
        var body = "[" + TestEvents.EventGridEnvelope("ok", TestEvents.ChatMessageReceived, TestEvents.MessageData(TestEvents.AcsUser("b"), Alice)).ToJsonString()
            + ",{\"eventType\":\"no id\"},42,"
            + TestEvents.EventGridEnvelope("phone", TestEvents.ChatMessageReceived, TestEvents.MessageData("4:+14255550123", Alice)).ToJsonString() + "]";
        var events = EventGridRequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), "application/json").Events;

        var result = await ProcessAsync(Processor(), events);

        Assert.Equal(new OutcomeCounts(Sent: 1, Duplicate: 0, Rejected: 3, Transient: 0), result.Outcomes);
        Assert.False(result.NeedsRetry);
    }

    [Fact]
    public async Task ProcessAsync_ManyJunkEvents_LogsRejectionsUpToTheCapAndASummary()
    {
        var body = "[" + string.Join(",", Enumerable.Repeat("{}", 500)) + "]";
        var events = EventGridRequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), "application/json").Events;
        var logger = new AcsPush.Functions.Tests.NotificationHubs.CapturingLogger<EventBatchProcessor>();
        var processor = new EventBatchProcessor(
            new ChatEventRouter(Options.Create(new NotificationsOptions())),
            new PushDispatcher(_hub.Object, _store.Object, TestMetrics.Unobserved, NullLogger<PushDispatcher>.Instance),
            Options.Create(new WebhookOptions()), logger);

        var result = await ProcessAsync(processor, events);

        Assert.Equal(500, result.Outcomes.Rejected);
        Assert.Equal(EventBatchProcessor.MaxRejectionLogsPerDelivery, logger.Lines.Count(l => l.Contains("without a push:", StringComparison.Ordinal)));
        Assert.Single(logger.Lines, l => l.Contains("500 events of the delivery", StringComparison.Ordinal));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
