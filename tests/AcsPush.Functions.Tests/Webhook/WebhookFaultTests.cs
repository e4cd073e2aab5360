using System.Text;
using System.Text.Json;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>
/// The webhook through the app's own wiring while the hub or the store misbehaves. Each test asserts the answer, that
/// it came within <c>Webhook:ProcessingDeadline</c> plus <see cref="EventGridWebhook.AnswerMargin"/> (a bound, not a
/// benchmark), and the pushes that reached the hub: none lost, and every copy of a push carrying the same collapse
/// identity, so a device shows it once.
/// </summary>
[Trait("Category", "Fault")]
public sealed class WebhookFaultTests(ITestOutputHelper output)
{
    // Sends stop a fifth before the deadline (the record reserve): at 5 s, 4 s. The host's first claim and send, cold
    // and on a busy machine, has taken over a second; with a 1 s Retry-After on top, 3 s proved too tight.
    private const string Deadline = "00:00:05";
    private static readonly string Bob = TestEvents.AcsUser("bob");
    private static readonly string Alice = TestEvents.AcsUser("alice");
    private static readonly Dictionary<string, string?> ShortDeadline = new() { ["Webhook:ProcessingDeadline"] = Deadline };

    private static HttpRequest Delivery(string eventId) =>
        HttpRequests.Create(HttpMethods.Post,
            Encoding.UTF8.GetBytes(TestEvents.Batch(TestEvents.EventGridEnvelope(eventId, TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)))),
            "application/json", new Dictionary<string, string> { ["aeg-event-type"] = "Notification" });

    private static void AnsweredInTime(WebhookHost host, Delivery answer) =>
        Assert.True(answer.Elapsed <= host.ProcessingDeadline + EventGridWebhook.AnswerMargin,
            $"answered after {answer.Elapsed.TotalSeconds:0.00} s; the bound is {(host.ProcessingDeadline + EventGridWebhook.AnswerMargin).TotalSeconds:0.00} s");

    /// <summary>Every format reached the hub and was accepted at least once (none lost), and every copy carries one collapse id.</summary>
    private static void DeliveredOnceOnTheDevice(LoopbackHub hub)
    {
        var accepted = hub.Requests.Where(r => r.Format is not null && r.AnsweredStatus is >= 200 and < 300).ToList();
        Assert.Equal(["apple", "fcmv1"], accepted.Select(r => r.Format).Distinct().Order());
        Assert.All(accepted, r => Assert.Equal(RecipientTag.For(Bob), r.Tags));
        foreach (var copies in accepted.GroupBy(r => r.Format))
        {
            Assert.Single(copies.Select(WebhookFixtureTests.CollapseIdOf).Distinct());
        }
    }

    // Only ever switches to the black hole: requests arrive concurrently, and a late callback must not switch back.
    private static Action<int> BlackHoleStoreFromSend(WebhookHost host, int sends) => count =>
    {
        if (count >= sends)
        {
            host.Store.Mode = StoreMode.BlackHole;
        }
    };

    private static int Accepted(LoopbackHub hub, string format) =>
        hub.Requests.Count(r => r.Format == format && r.AnsweredStatus is >= 200 and < 300);

    [Fact]
    public async Task HubThrottlesWithRetryAfter_RetriedWithinTheDeliveryAndSentOnce()
    {
        await using var hub = await LoopbackHub.StartAsync([new HubAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "1" })]);
        await using var host = WebhookHost.Start(hub, ShortDeadline);

        var answer = await host.DeliverAsync(Delivery("fault-429"));

        Assert.True(answer.Status == 200,
            $"answered {answer.Status} after {answer.Elapsed.TotalSeconds:0.00} s; the host logged:\n{string.Join('\n', host.Logs.Lines)}");
        AnsweredInTime(host, answer);
        Assert.Equal(3, hub.Requests.Count);
        Assert.Equal((1, 1), (Accepted(hub, "apple"), Accepted(hub, "fcmv1")));
        DeliveredOnceOnTheDevice(hub);
    }

    [Fact]
    public async Task HubFailsWith5xx_AnswersRetryThenRedeliverySendsOnce()
    {
        await using var hub = await LoopbackHub.StartAsync(Enumerable.Repeat(new HubAnswer(503, new Dictionary<string, string>()), 6));
        await using var host = WebhookHost.Start(hub, ShortDeadline);

        var first = await host.DeliverAsync(Delivery("fault-5xx"));
        var second = await host.DeliverAsync(Delivery("fault-5xx"));

        Assert.Equal((503, 200), (first.Status, second.Status));
        AnsweredInTime(host, first);
        AnsweredInTime(host, second);
        Assert.Equal((1, 1), (Accepted(hub, "apple"), Accepted(hub, "fcmv1")));
        DeliveredOnceOnTheDevice(hub);
    }

    [Fact]
    public async Task HubAnswersLateAfterAcceptingBoth_NotRepeatedWithinTheDeliveryAndCollapsedOnTheDevice()
    {
        var late = new HubAnswer(201, new Dictionary<string, string>(), TimeSpan.FromMilliseconds(1500));
        await using var hub = await LoopbackHub.StartAsync([late, late]);
        await using var host = WebhookHost.Start(hub, new Dictionary<string, string?>(ShortDeadline)
        {
            ["NotificationHubs:AttemptTimeout"] = "00:00:01",
            ["NotificationHubs:MaxAttempts"] = "4",
        });

        var first = await host.DeliverAsync(Delivery("fault-late"));
        var second = await host.DeliverAsync(Delivery("fault-late"));

        Assert.Equal((503, 200), (first.Status, second.Status));
        AnsweredInTime(host, first);
        // Two sends per format reach the hub (one per delivery), not MaxAttempts per delivery.
        Assert.Equal((2, 2), (Accepted(hub, "apple"), Accepted(hub, "fcmv1")));
        DeliveredOnceOnTheDevice(hub);
    }

    [Fact]
    public async Task StoreRefusesConnections_AnswersRetryQuicklyWithoutSendingThenRecovers()
    {
        await using var hub = await LoopbackHub.StartAsync([]);
        await using var host = WebhookHost.Start(hub, ShortDeadline);
        host.Store.Mode = StoreMode.Refuse;

        var refused = await host.DeliverAsync(Delivery("fault-refuse"));
        host.Store.Mode = StoreMode.Forward;
        var recovered = await host.DeliverAsync(Delivery("fault-refuse"));

        Assert.Equal((503, 200), (refused.Status, recovered.Status));
        AnsweredInTime(host, refused);
        Assert.Equal(2, hub.Requests.Count);
        DeliveredOnceOnTheDevice(hub);
    }

    [Fact]
    public async Task StoreBlackHoledBeforeTheClaim_AnswersRetryWithinTheDeadlineWithoutSending()
    {
        await using var hub = await LoopbackHub.StartAsync([]);
        await using var host = WebhookHost.Start(hub, ShortDeadline);
        host.Store.Mode = StoreMode.BlackHole;

        var answer = await host.DeliverAsync(Delivery("fault-blackhole-claim"));

        Assert.Equal(503, answer.Status);
        AnsweredInTime(host, answer);
        Assert.Empty(hub.Requests);
        output.WriteLine($"store black-holed before the claim: answered {answer.Status} after {answer.Elapsed.TotalSeconds:0.000} s (ProcessingDeadline {Deadline})");
    }

    [Fact]
    public async Task StoreBlackHoledAfterTheSends_AnswersSentWithinTheDeadline()
    {
        await using var hub = await LoopbackHub.StartAsync([]);
        await using var host = WebhookHost.Start(hub, ShortDeadline);
        hub.OnRequest = BlackHoleStoreFromSend(host, 2);

        var answer = await host.DeliverAsync(Delivery("fault-blackhole-record"));

        Assert.Equal(200, answer.Status);
        AnsweredInTime(host, answer);
        DeliveredOnceOnTheDevice(hub);
        output.WriteLine($"store black-holed after the sends: answered {answer.Status} after {answer.Elapsed.TotalSeconds:0.000} s (ProcessingDeadline {Deadline})");
    }

    [Fact]
    public async Task CrashBetweenSendAndRecord_RedeliveryAfterTheLeaseResendsWithTheSameCollapseIds()
    {
        await using var hub = await LoopbackHub.StartAsync([]);
        await using var host = WebhookHost.Start(hub, ShortDeadline);
        hub.OnRequest = BlackHoleStoreFromSend(host, 2);
        var beforeCrash = await host.DeliverAsync(Delivery("fault-crash"));

        // The process dies with the record unwritten; Event Grid never saw the answer and redelivers after the lease.
        hub.OnRequest = null;
        host.Store.Mode = StoreMode.Forward;
        await host.RestartAsync();
        var duringLease = await host.DeliverAsync(Delivery("fault-crash"));
        host.Clock.Offset = TimeSpan.FromMinutes(3);
        var afterLease = await host.DeliverAsync(Delivery("fault-crash"));
        var again = await host.DeliverAsync(Delivery("fault-crash"));

        Assert.Equal((200, 503, 200, 200), (beforeCrash.Status, duringLease.Status, afterLease.Status, again.Status));
        Assert.Equal(1, JsonDocument.Parse(again.Body).RootElement.GetProperty("outcomes").GetProperty("duplicate").GetInt32());
        Assert.Equal((2, 2), (Accepted(hub, "apple"), Accepted(hub, "fcmv1")));
        DeliveredOnceOnTheDevice(hub);
    }

    [Fact]
    public async Task ConcurrentRedeliveriesOfOneEvent_HubAcceptsEachFormatOnce()
    {
        var slow = new HubAnswer(201, new Dictionary<string, string>(), TimeSpan.FromMilliseconds(300));
        await using var hub = await LoopbackHub.StartAsync([], slow);
        await using var host = WebhookHost.Start(hub, ShortDeadline);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => host.DeliverAsync(Delivery("fault-concurrent")))));
        var settled = await host.DeliverAsync(Delivery("fault-concurrent"));

        Assert.All(answers, a => Assert.True(a.Status is 200 or 503, $"answered {a.Status}: {a.Body}"));
        Assert.All(answers, a => AnsweredInTime(host, a));
        Assert.Contains(answers, a => a.Status == 200);
        Assert.Equal(200, settled.Status);
        Assert.Equal((1, 1), (Accepted(hub, "apple"), Accepted(hub, "fcmv1")));
        DeliveredOnceOnTheDevice(hub);
    }
}
