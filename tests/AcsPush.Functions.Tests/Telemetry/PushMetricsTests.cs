using System.Text;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Telemetry;
using AcsPush.Functions.Tests.EventGrid;
using AcsPush.Functions.Tests.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.Telemetry;

/// <summary>The webhook's metrics on every path, read back with a collector on this test's own meter factory.</summary>
public sealed class PushMetricsTests : IDisposable
{
    private static readonly string Alice = TestEvents.AcsUser("alice");
    private static readonly string Bob = TestEvents.AcsUser("bob");

    private readonly Mock<INotificationHubsClient> _hub = new();
    private readonly Mock<IIdempotencyStore> _store = new();
    private readonly TestMetrics _metrics = new();
    private readonly MetricCollector<long> _deliveries;
    private readonly MetricCollector<long> _received;
    private readonly MetricCollector<long> _events;
    private readonly MetricCollector<long> _pushes;
    private readonly MetricCollector<double> _hubDuration;

    public PushMetricsTests()
    {
        _store.Grants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, "t", null));
        _deliveries = _metrics.Collect<long>(PushMetrics.Deliveries);
        _received = _metrics.Collect<long>(PushMetrics.EventsReceived);
        _events = _metrics.Collect<long>(PushMetrics.Events);
        _pushes = _metrics.Collect<long>(PushMetrics.Pushes);
        _hubDuration = _metrics.Collect<double>(PushMetrics.HubSendDuration);
    }

    public void Dispose()
    {
        foreach (var collector in new IDisposable[] { _deliveries, _received, _events, _pushes, _hubDuration })
        {
            collector.Dispose();
        }

        _metrics.Dispose();
    }

    private async Task<int> DeliverAsync(params JsonObject[] events) => await DeliverAsync(TestEvents.Batch(events));

    private async Task<int> DeliverAsync(string body)
    {
        var webhook = MockedWebhook.Create(_hub.Object, _store.Object, metrics: _metrics.Metrics);
        var request = HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(body), "application/json", new Dictionary<string, string> { ["aeg-event-type"] = "Notification" });
        return HttpRequests.Read(await webhook.RunAsync(request)).Status;
    }

    private static JsonObject Message(string id, string recipient) =>
        TestEvents.EventGridEnvelope(id, TestEvents.ChatMessageReceived, TestEvents.MessageData(recipient, Alice));

    private void HubThrows(NotificationHubsException failure) =>
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);

    /// <summary>Sum of the counter's measurements whose tags are exactly <paramref name="tags"/>.</summary>
    private static long Sum(MetricCollector<long> collector, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.Count == tags.Length && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);

    [Fact]
    public async Task RunAsync_EventsSent_CountsReceivedSentAndPushesPerPlatform()
    {
        var status = await DeliverAsync(Message("m1", Bob), Message("m2", Bob));

        Assert.Equal(200, status);
        Assert.Equal(1, Sum(_deliveries, ("status", "200")));
        Assert.Equal(2, Sum(_received));
        Assert.Equal(2, Sum(_events, ("outcome", "sent")));
        Assert.Equal(2, Sum(_pushes, ("platform", "apple"), ("outcome", "sent")));
        Assert.Equal(2, Sum(_pushes, ("platform", "fcmv1"), ("outcome", "sent")));
        var durations = _hubDuration.GetMeasurementSnapshot();
        Assert.Equal(4, durations.Count);
        Assert.All(durations, d => Assert.True(d.Value >= 0 && Equals(d.Tags["outcome"], "sent")));
        Assert.Equal(2, durations.Count(d => Equals(d.Tags["platform"], "apple")));
    }

    [Fact]
    public async Task RunAsync_HubRefusesForGood_CountsRejectedPushesAndEvent()
    {
        HubThrows(new NotificationHubsException("bad payload", 400, "t", isTransient: false));

        var status = await DeliverAsync(Message("m1", Bob));

        Assert.Equal(200, status);
        Assert.Equal(1, Sum(_pushes, ("platform", "apple"), ("outcome", "rejected")));
        Assert.Equal(1, Sum(_pushes, ("platform", "fcmv1"), ("outcome", "rejected")));
        Assert.Equal(1, Sum(_events, ("outcome", "rejected"), ("reason", "hub_refused")));
        Assert.Equal(2, _hubDuration.GetMeasurementSnapshot().Count(d => Equals(d.Tags["outcome"], "rejected")));
    }

    [Theory]
    [InlineData(503, "hub_unavailable")]
    [InlineData(401, "hub_misconfigured")]
    public async Task RunAsync_HubFailsTransiently_CountsTransientWithReason(int hubStatus, string reason)
    {
        HubThrows(new NotificationHubsException("failed", hubStatus, "t", isTransient: hubStatus >= 500));

        var status = await DeliverAsync(Message("m1", Bob));

        Assert.Equal(503, status);
        Assert.Equal(1, Sum(_deliveries, ("status", "503")));
        Assert.Equal(1, Sum(_pushes, ("platform", "apple"), ("outcome", "transient"), ("reason", reason)));
        Assert.Equal(1, Sum(_pushes, ("platform", "fcmv1"), ("outcome", "transient"), ("reason", reason)));
        Assert.Equal(1, Sum(_events, ("outcome", "transient"), ("reason", reason)));
        Assert.Equal(0, Sum(_events, ("outcome", "sent")));
    }

    [Fact]
    public async Task RunAsync_Redelivery_CountsSuppressedDuplicatesWithoutSending()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EventKey key, string id, IReadOnlyList<string> _, CancellationToken _) =>
                EventClaim.AlreadyDone(key, id, new Dictionary<string, FormatState> { ["apple"] = FormatState.Sent, ["fcmv1"] = FormatState.Sent }));

        var status = await DeliverAsync(Message("m1", Bob));

        Assert.Equal(200, status);
        Assert.Equal(1, Sum(_events, ("outcome", "duplicate")));
        Assert.Equal(1, Sum(_pushes, ("platform", "apple"), ("outcome", "duplicate")));
        Assert.Equal(1, Sum(_pushes, ("platform", "fcmv1"), ("outcome", "duplicate")));
        Assert.Empty(_hubDuration.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task RunAsync_OneFormatDoneBefore_CountsItSuppressedAndSendsTheOther()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((EventKey key, string id, IReadOnlyList<string> _, CancellationToken _) =>
                new EventClaim(ClaimStatus.Acquired, key, id, ["fcmv1"], new Dictionary<string, FormatState> { ["apple"] = FormatState.Sent }, DateTimeOffset.UnixEpoch, "lease", "etag"));

        await DeliverAsync(Message("m1", Bob));

        Assert.Equal(1, Sum(_pushes, ("platform", "apple"), ("outcome", "duplicate")));
        Assert.Equal(1, Sum(_pushes, ("platform", "fcmv1"), ("outcome", "sent")));
        Assert.Equal(0, Sum(_pushes, ("platform", "apple"), ("outcome", "sent")));
    }

    [Fact]
    public async Task RunAsync_RepeatedIdAndPhoneRecipient_CountsDuplicateAndRejectedWithReason()
    {
        await DeliverAsync(Message("m1", Bob), Message("m1", Bob), Message("m2", "4:+14255550123"));

        Assert.Equal(3, Sum(_received));
        Assert.Equal(1, Sum(_events, ("outcome", "sent")));
        Assert.Equal(1, Sum(_events, ("outcome", "duplicate")));
        Assert.Equal(1, Sum(_events, ("outcome", "rejected"), ("reason", "phone_number_recipient")));
    }

    [Fact]
    public async Task RunAsync_StoreFails_CountsTransientEventWithoutPushes()
    {
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "down"));

        await DeliverAsync(Message("m1", Bob));

        Assert.Equal(1, Sum(_events, ("outcome", "transient"), ("reason", "store_unavailable")));
        Assert.Empty(_pushes.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task RunAsync_BodyNeverProcessable_CountsRefusedDeliveryAndNoEvents()
    {
        var status = await DeliverAsync("{ not json");

        Assert.Equal(400, status);
        Assert.Equal(1, Sum(_deliveries, ("status", "400")));
        Assert.Empty(_received.GetMeasurementSnapshot());
        Assert.Empty(_events.GetMeasurementSnapshot());
    }
}
