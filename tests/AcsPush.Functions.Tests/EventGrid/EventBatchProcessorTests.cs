using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public class EventBatchProcessorTests
{
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private readonly Mock<INotificationHubsClient> _hub = new();
    private readonly Mock<IIdempotencyStore> _store = new();

    public EventBatchProcessorTests()
    {
        _store.Setup(s => s.TryAcquireAsync(It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IdempotencyKey key, CancellationToken _) => new LeaseResult(LeaseStatus.Acquired, new PushLease(key, "l", DateTimeOffset.MaxValue, "e")));
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, null, null));
    }

    private EventBatchProcessor Processor(int concurrency = 4)
    {
        var router = new ChatEventRouter(Options.Create(new NotificationsOptions()));
        var dispatcher = new PushDispatcher(_hub.Object, _store.Object, NullLogger<PushDispatcher>.Instance);
        return new EventBatchProcessor(router, dispatcher, Options.Create(new WebhookOptions { MaxConcurrency = concurrency }), NullLogger<EventBatchProcessor>.Instance);
    }

    private static IReadOnlyList<IncomingEvent> Events(params (string Id, string Recipient)[] events)
    {
        var body = TestEvents.Batch(events.Select(e => (JsonNode)TestEvents.EventGridEnvelope(e.Id, TestEvents.ChatMessageReceived, TestEvents.MessageData(e.Recipient, Alice))).ToArray());
        return EventGridRequestParser.Parse(BinaryData.FromString(body), "application/json").Events;
    }

    [Fact]
    public async Task ProcessAsync_AlreadyCancelled_StartsNothingAndAsksForRetry()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await Processor().ProcessAsync(Events(("a", TestEvents.AcsUser("b")), ("c", TestEvents.AcsUser("d"))), cancelled.Token);

        Assert.True(result.NeedsRetry);
        Assert.Equal(2, result.Transient);
        _hub.VerifyNoOtherCalls();
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ProcessAsync_RepeatedIds_CountsDuplicatesAndSendsOnce()
    {
        var result = await Processor().ProcessAsync(Events(("x", TestEvents.AcsUser("b")), ("x", TestEvents.AcsUser("b")), ("x", TestEvents.AcsUser("b"))), CancellationToken.None);

        Assert.Equal(new BatchResult(Events: 3, Sent: 2, Duplicates: 2, Rejected: 0, Transient: 0), result);
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

        var result = await Processor(limit).ProcessAsync(Events(Enumerable.Range(0, 12).Select(i => ($"e{i}", TestEvents.AcsUser($"u{i}"))).ToArray()), CancellationToken.None);

        Assert.Equal(24, result.Sent);
        // Each event sends its formats side by side, so at most `limit` events means at most that many sends per format.
        Assert.InRange(peak, 1, limit * PushPayloadBuilder.Formats.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
