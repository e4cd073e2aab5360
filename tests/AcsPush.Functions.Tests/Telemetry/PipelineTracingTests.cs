using System.Diagnostics;
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
using Moq;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace AcsPush.Functions.Tests.Telemetry;

/// <summary>
/// The delivery spans through the real webhook, sampled as in production (<see cref="FailureKeepingSampler"/> and
/// <see cref="FailurePromotingProcessor"/>) into an in-memory exporter. Each test runs under a parent span that plays
/// the host's request, and reads back only the spans of that trace (other tests' spans share the activity source).
/// </summary>
public sealed class PipelineTracingTests
{
    private static readonly ActivitySource Host = new("AcsPush.Functions.Tests.Host");
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private readonly Mock<INotificationHubsClient> _hub = new();
    private readonly Mock<IIdempotencyStore> _store = new();
    private readonly List<Activity> _exported = [];

    public PipelineTracingTests()
    {
        _store.Grants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new NotificationOutcome(201, "t", null));
    }

    private TracerProvider Tracing(int percentage) => Sdk.CreateTracerProviderBuilder()
        .AddSource(PipelineTracing.SourceName, Host.Name)
        .SetSampler(new FailureKeepingSampler(percentage))
        .AddProcessor(new FailurePromotingProcessor())
        .AddInMemoryExporter(_exported)
        .Build()!;

    /// <summary>Delivers <paramref name="events"/> under a span continuing the host's trace; returns that trace's exported spans.</summary>
    private async Task<(int Status, List<Activity> Spans, ActivityTraceId Trace)> DeliverAsync(TracerProvider tracing, params JsonObject[] events)
    {
        var trace = ActivityTraceId.CreateRandom();
        var webhook = MockedWebhook.Create(_hub.Object, _store.Object);
        var request = HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(TestEvents.Batch(events)), "application/json");
        int status;
        using (HostInvocation(trace))
        {
            status = HttpRequests.Read(await webhook.RunAsync(request)).Status;
        }

        tracing.ForceFlush();
        lock (_exported)
        {
            return (status, _exported.Where(a => a.TraceId == trace).ToList(), trace);
        }
    }

    // The worker's invocation span, continuing the trace context the host sends with each invocation.
    private static Activity? HostInvocation(ActivityTraceId trace) =>
        Host.StartActivity("Invoke", ActivityKind.Internal, new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true));

    private static JsonObject Message(string id, string recipient) =>
        TestEvents.EventGridEnvelope(id, TestEvents.ChatMessageReceived, TestEvents.MessageData(recipient, Alice));

    [Fact]
    public async Task RunAsync_SampledSuccess_ExportsDeliverySpanInTheHostsTraceWithCounts()
    {
        using var tracing = Tracing(100);

        var (status, spans, trace) = await DeliverAsync(tracing, Message("m1", TestEvents.AcsUser("bob")));

        Assert.Equal(200, status);
        var delivery = Assert.Single(spans, s => s.DisplayName == PipelineTracing.DeliverySpan);
        Assert.Equal(trace, delivery.TraceId);
        Assert.Equal(ActivityStatusCode.Unset, delivery.Status);
        Assert.Equal(1, delivery.GetTagItem("acspush.events.sent"));
        Assert.Equal(2, delivery.GetTagItem("acspush.pushes.sent"));
        Assert.Equal(100d, delivery.GetTagItem(FailureKeepingSampler.SampleRateAttribute));
    }

    [Fact]
    public async Task RunAsync_SuccessNotSampled_ExportsNothing()
    {
        using var tracing = Tracing(0);

        var (status, spans, _) = await DeliverAsync(tracing, Message("m1", TestEvents.AcsUser("bob")));

        Assert.Equal(200, status);
        Assert.Empty(spans);
    }

    [Fact]
    public async Task RunAsync_HubFailsWithNothingSampled_ExportsTheFailedSpanWithItsDetails()
    {
        using var tracing = Tracing(0);
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("busy", 503, "tracking-503", isTransient: true));

        var (status, spans, _) = await DeliverAsync(tracing, Message("m1", TestEvents.AcsUser("bob")));

        Assert.Equal(503, status);
        var delivery = Assert.Single(spans);
        Assert.Equal(PipelineTracing.DeliverySpan, delivery.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
        Assert.Equal(503, delivery.GetTagItem("http.response.status_code"));
        Assert.Null(delivery.GetTagItem(FailureKeepingSampler.SampleRateAttribute));
        var pushFailures = delivery.Events.Where(e => e.Name == "push failed").ToList();
        Assert.Equal(2, pushFailures.Count);
        Assert.All(pushFailures, e => Assert.Contains(e.Tags, t => t.Key == "acspush.hub.tracking_id" && Equals(t.Value, "tracking-503")));
        var eventFailure = Assert.Single(delivery.Events, e => e.Name == "event failed");
        Assert.Contains(eventFailure.Tags, t => t.Key == "acspush.reason" && Equals(t.Value, nameof(TransientReason.HubUnavailable)));
    }

    public static TheoryData<string, int, string> HubFailures => new()
    {
        { "misconfigured", 401, nameof(PushResult.Transient) },
        { "refused", 413, nameof(PushResult.Rejected) },
        { "cancelled", 0, nameof(PushResult.Transient) },
        { "unexpected", 0, nameof(PushResult.Transient) },
    };

    [Theory]
    [MemberData(nameof(HubFailures))]
    public async Task RunAsync_EveryKindOfHubFailure_AddsOnePushFailedEventPerFormat(string kind, int hubStatus, string outcome)
    {
        using var tracing = Tracing(0);
        Exception failure = kind switch
        {
            "misconfigured" => new NotificationHubsException("unauthorized", 401, "tracking-401", isTransient: false),
            "refused" => new NotificationHubsException("too large", 413, "tracking-413", isTransient: false),
            "cancelled" => new OperationCanceledException(),
            _ => new InvalidOperationException("defect"),
        };
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(failure);

        var (_, spans, _) = await DeliverAsync(tracing, Message("m1", TestEvents.AcsUser("bob")));

        var delivery = Assert.Single(spans);
        var pushFailures = delivery.Events.Where(e => e.Name == "push failed").ToList();
        Assert.Equal(["apple", "fcmv1"], pushFailures.Select(e => (string)e.Tags.Single(t => t.Key == "acspush.platform").Value!).Order());
        Assert.All(pushFailures, e =>
        {
            Assert.Contains(e.Tags, t => t.Key == "acspush.outcome" && Equals(t.Value, outcome));
            Assert.Contains(e.Tags, t => t.Key == "acspush.hub.status" && Equals(t.Value, hubStatus));
        });
    }

    [Fact]
    public async Task RunAsync_HubRefusesForGoodWithNothingSampled_ExportsTheSpanAnswered200AsFailed()
    {
        using var tracing = Tracing(0);
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("too large", 413, "tracking-413", isTransient: false));

        var (status, spans, _) = await DeliverAsync(tracing, Message("m1", TestEvents.AcsUser("bob")));

        Assert.Equal(200, status);
        var delivery = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
        Assert.Contains(delivery.Events, e => e.Name == "event failed" && e.Tags.Any(t => Equals(t.Value, nameof(RejectReason.HubRefused))));
    }

    [Fact]
    public async Task RunAsync_ManyFailedEvents_BoundsTheSpanEvents()
    {
        using var tracing = Tracing(0);
        _store.Setup(s => s.ClaimAsync(It.IsAny<EventKey>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.RequestFailedException(500, "down"));

        var (status, spans, _) = await DeliverAsync(tracing, [.. Enumerable.Range(0, 50).Select(i => Message($"m{i}", TestEvents.AcsUser("bob")))]);

        Assert.Equal(503, status);
        var delivery = Assert.Single(spans);
        Assert.Equal(PipelineTracing.MaxFailureEvents, delivery.Events.Count());
        Assert.Equal(50, delivery.GetTagItem("acspush.events.transient"));
    }

    [Fact]
    public async Task RunAsync_BodyRefused_ExportsTheFailedSpan()
    {
        using var tracing = Tracing(0);
        var trace = ActivityTraceId.CreateRandom();
        var webhook = MockedWebhook.Create(_hub.Object, _store.Object);

        using (HostInvocation(trace))
        {
            Assert.Equal(400, HttpRequests.Read(await webhook.RunAsync(HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes("[1"), "application/json"))).Status);
        }

        tracing.ForceFlush();
        var delivery = Assert.Single(_exported, a => a.TraceId == trace);
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
        Assert.Equal(400, delivery.GetTagItem("http.response.status_code"));
    }
}
