using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.NotificationHubs;
using AcsPush.Functions.Tests.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public class EventGridWebhookTests
{
    private static readonly string Bob = TestEvents.AcsUser("bob");
    private static readonly string Carol = TestEvents.AcsUser("carol");
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private readonly Mock<INotificationHubsClient> _hub = new();
    private readonly Mock<IIdempotencyStore> _store = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<(NotificationRequest Request, string Tag)> _sent = [];
    private WebhookOptions _options = new() { MaxConcurrency = 4 };

    public EventGridWebhookTests()
    {
        _store.Grants();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((NotificationRequest r, string tag, CancellationToken _) => { lock (_sent) { _sent.Add((r, tag)); } })
            .ReturnsAsync(new NotificationOutcome(201, "t", null));
    }

    private EventGridWebhook Webhook() => MockedWebhook.Create(_hub.Object, _store.Object, _options, time: _time);

    private static HttpRequest Post(string body, string? eventType = "Notification") =>
        HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(body), "application/json",
            eventType is null ? null : new Dictionary<string, string> { ["aeg-event-type"] = eventType });

    private static JsonObject Validation(string id = "v") =>
        TestEvents.EventGridEnvelope(id, "Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" });

    private static JsonObject Message(string id, string recipient) =>
        TestEvents.EventGridEnvelope(id, TestEvents.ChatMessageReceived, TestEvents.MessageData(recipient, Alice));

    [Theory]
    [InlineData("eventgrid.azure.net", "*")]
    [InlineData("eventgrid.azure.net", "120")]
    public async Task RunAsync_OptionsWithOrigin_AllowsOriginAndRate(string origin, string rate)
    {
        _options.AllowedRate = rate;
        var request = HttpRequests.Create(HttpMethods.Options, null, null, new Dictionary<string, string> { ["WebHook-Request-Origin"] = origin });

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(200, status);
        Assert.Equal(origin, request.HttpContext.Response.Headers["WebHook-Allowed-Origin"].ToString());
        Assert.Equal(rate, request.HttpContext.Response.Headers["WebHook-Allowed-Rate"].ToString());
    }

    [Fact]
    public async Task RunAsync_OptionsWithoutOrigin_BadRequest()
    {
        var request = HttpRequests.Create(HttpMethods.Options, null, null);

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(400, status);
        Assert.Contains("WebHook-Request-Origin", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SubscriptionValidation_EchoesCode()
    {
        var body = TestEvents.Batch(TestEvents.EventGridEnvelope("v", "Microsoft.EventGrid.SubscriptionValidationEvent",
            new JsonObject { ["validationCode"] = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", ["validationUrl"] = "https://rp-eastus2.eventgrid.azure.net/validate" }));

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(body, "SubscriptionValidation")));

        Assert.Equal(200, status);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", JsonDocument.Parse(response).RootElement.GetProperty("validationResponse").GetString());
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task RunAsync_DocumentedValidationEventWithEmptySubject_EchoesCode()
    {
        var request = HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(EventGridRequestParserTests.DocumentedValidationEvent), "application/json",
            new Dictionary<string, string> { ["aeg-event-type"] = "SubscriptionValidation" });

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(200, status);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", JsonDocument.Parse(response).RootElement.GetProperty("validationResponse").GetString());
        Assert.Empty(_sent);
    }

    // The shape infra/tools/wait-for-webhook.ts posts after each code deployment: empty subject, no validationUrl,
    // an eventTime from Date.toISOString() (milliseconds) and a lower-case content-type header.
    [Fact]
    public async Task RunAsync_ReadinessCheckValidationEvent_EchoesCode()
    {
        const string body = """[{"id":"0b6f0f7e-4b0e-4c4e-9d7a-3a1c2f9e8d10","topic":"/readiness-check","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-11-28T23:59:01.123Z","metadataVersion":"1","dataVersion":"1","data":{"validationCode":"c9d1f1a4-7e3b-4a55-8f0e-2b6d9c3e1a77"}}]""";
        var request = HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(body), "application/json",
            new Dictionary<string, string> { ["aeg-event-type"] = "SubscriptionValidation" });

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(200, status);
        Assert.Equal("c9d1f1a4-7e3b-4a55-8f0e-2b6d9c3e1a77", JsonDocument.Parse(response).RootElement.GetProperty("validationResponse").GetString());
        Assert.Empty(_sent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_BodyOverLimit_PayloadTooLargeWithoutSending(bool sendContentLength)
    {
        _options.MaxRequestBodyBytes = 64 * 1024;
        var events = Enumerable.Range(0, 200).Select(i => (JsonNode)Message($"id-{i}", Bob)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(TestEvents.Batch(events));
        Assert.True(bytes.Length > _options.MaxRequestBodyBytes);

        var request = HttpRequests.Create(HttpMethods.Post, bytes, "application/json", sendContentLength: sendContentLength);
        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(413, status);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task RunAsync_MalformedJson_BadRequestWithoutSending()
    {
        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post("[{\"id\": \"x\",")));

        Assert.Equal(400, status);
        Assert.Contains("error", body, StringComparison.Ordinal);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task RunAsync_ChatMessages_SendsEachRecipientBothFormats()
    {
        var body = TestEvents.Batch(Message("m1", Bob), Message("m2", Carol));

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(body)));

        Assert.Equal(200, status);
        Assert.Equal(4, _sent.Count);
        foreach (var recipient in new[] { Bob, Carol })
        {
            var formats = _sent.Where(s => s.Tag == RecipientTag.For(recipient)).Select(s => s.Request.Format).Order();
            Assert.Equal([NotificationFormat.Apple, NotificationFormat.FcmV1], formats);
        }

        Assert.Equal(4, JsonDocument.Parse(response).RootElement.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task RunAsync_SameEventTwiceInBatch_SendsOnce()
    {
        var body = TestEvents.Batch(Message("dup", Bob), Message("dup", Bob));

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(body)));

        Assert.Equal(200, status);
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public async Task RunAsync_UnknownEventType_AcknowledgedWithoutSending()
    {
        var body = TestEvents.Batch(TestEvents.EventGridEnvelope("u", "Microsoft.Communication.ChatMessageEdited", TestEvents.MessageData(Bob, Alice)),
            TestEvents.EventGridEnvelope("v", "Contoso.Unknown", new JsonObject()));

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(body)));

        Assert.Equal(200, status);
        Assert.Empty(_sent);
    }

    [Theory]
    [InlineData(429, true, 503)]
    [InlineData(500, true, 503)]
    [InlineData(0, true, 503)]
    [InlineData(400, false, 200)]
    [InlineData(413, false, 200)]
    [InlineData(401, false, 503)]
    [InlineData(403, false, 503)]
    [InlineData(404, false, 503)]
    public async Task RunAsync_HubFailure_StatusFollowsTransience(int hubStatus, bool transient, int expected)
    {
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("failed", hubStatus, null, transient));

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(TestEvents.Batch(Message("m", Bob)))));

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task RunAsync_DeadlinePasses_AsksForRetryAndStartsNoMoreEvents()
    {
        _options = new WebhookOptions { MaxConcurrency = 1, ProcessingDeadline = TimeSpan.FromSeconds(5) };
        var calls = 0;
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (NotificationRequest _, string _, CancellationToken ct) =>
            {
                Interlocked.Increment(ref calls);
                _time.Advance(TimeSpan.FromSeconds(6));
                await Task.Delay(Timeout.Infinite, ct);
                return new NotificationOutcome(201, null, null);
            });
        var body = TestEvents.Batch(Enumerable.Range(0, 5).Select(i => (JsonNode)Message($"m{i}", Bob)).ToArray());

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(body)));

        Assert.Equal(503, status);
        Assert.Equal("retry", JsonDocument.Parse(response).RootElement.GetProperty("status").GetString());
        Assert.InRange(calls, 1, 2);
        _store.Verify(s => s.RecordAsync(It.IsAny<EventClaim>(), It.Is<IReadOnlyDictionary<string, FormatState>>(r => r.Values.Any(v => v != FormatState.Pending)), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_CloudEventSingle_Sends()
    {
        var body = TestEvents.CloudEventEnvelope("ce1", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)).ToJsonString();

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(body, "application/cloudevents+json")));

        Assert.Equal(200, status);
        Assert.Equal(2, _sent.Count);
    }

    // Slow: 5,000 events through the whole pipeline. The tests of one or a few events pin the same behaviour.
    [Trait("Category", "Slow")]
    [Fact]
    public async Task RunAsync_BatchOfFiveThousand_SendsEveryRecipientBothFormats()
    {
        _options = new WebhookOptions { MaxConcurrency = 32, MaxRequestBodyBytes = 16 * 1024 * 1024 };
        var events = Enumerable.Range(0, 5000).Select(i => (JsonNode)Message($"bulk-{i}", TestEvents.AcsUser($"user-{i}"))).ToArray();

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(HttpRequests.Post(TestEvents.Batch(events))));

        Assert.Equal(200, status);
        Assert.Equal(10_000, _sent.Count);
        Assert.Equal(5000, _sent.Select(s => s.Tag).Distinct().Count());
        Assert.Equal(10_000, JsonDocument.Parse(response).RootElement.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task RunAsync_ValidationEventInNotificationDelivery_ChatEventStillPushedAndValidationNotAnswered()
    {
        var body = TestEvents.Batch(Validation(), Message("m1", Bob));

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(body, "Notification")));

        Assert.Equal(200, status);
        Assert.DoesNotContain("validationResponse", response, StringComparison.Ordinal);
        Assert.Equal(2, _sent.Count);
        var outcomes = JsonDocument.Parse(response).RootElement.GetProperty("outcomes");
        Assert.Equal((1, 1), (outcomes.GetProperty("sent").GetInt32(), outcomes.GetProperty("rejected").GetInt32()));
    }

    [Fact]
    public async Task RunAsync_ValidationRequestCarryingOtherEvents_BadRequestAndNothingProcessed()
    {
        var body = TestEvents.Batch(Validation(), Message("m1", Bob));

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(body, "SubscriptionValidation")));

        Assert.Equal(400, status);
        Assert.Contains("exactly one", response, StringComparison.Ordinal);
        Assert.Empty(_sent);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task RunAsync_ValidationWithoutHeader_NotAnsweredAsValidation()
    {
        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(TestEvents.Batch(Validation()), eventType: null)));

        Assert.Equal(200, status);
        Assert.DoesNotContain("validationResponse", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SubscriptionDeletion")]
    [InlineData("notification-ish")]
    public async Task RunAsync_UnknownEventTypeHeader_BadRequestWithoutEcho(string header)
    {
        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(TestEvents.Batch(Message("m1", Bob)), header)));

        Assert.Equal(400, status);
        Assert.DoesNotContain(header, response, StringComparison.Ordinal);
        Assert.Empty(_sent);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(40_000)]
    public async Task RunAsync_OptionsWithOverlongOrigin_BadRequestWithoutEcho(int length)
    {
        var origin = new string('o', length);
        var request = HttpRequests.Create(HttpMethods.Options, null, null, new Dictionary<string, string> { ["WebHook-Request-Origin"] = origin });

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(400, status);
        Assert.DoesNotContain(origin[..200], body, StringComparison.Ordinal);
        Assert.False(request.HttpContext.Response.Headers.ContainsKey("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task RunAsync_HugeSpecVersionAndId_AnswerStaysShort()
    {
        var huge = new string('9', 200_000);
        var body = $$"""[{"id":"{{huge}}","specversion":"{{huge}}","type":"T","source":"s"},{"id":"{{huge}}","specversion":"1.0","type":"{{huge}}","source":"s"}]""";

        var (status, response) = HttpRequests.Read(await Webhook().RunAsync(Post(body)));

        Assert.Equal(200, status);
        Assert.True(response.Length < 300, response);
        Assert.Equal(2, JsonDocument.Parse(response).RootElement.GetProperty("outcomes").GetProperty("rejected").GetInt32());
    }

    // Fault: waits out a real processing deadline.
    [Trait("Category", "Fault")]
    [Fact]
    public async Task RunAsync_HubIgnoresCancellationForever_AnswersWithinDeadlinePlusMargin()
    {
        _options = new WebhookOptions { MaxConcurrency = 4, ProcessingDeadline = TimeSpan.FromSeconds(1) };
        var never = new TaskCompletionSource<NotificationOutcome>();
        _hub.Setup(h => h.SendNotificationAsync(It.IsAny<NotificationRequest>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(never.Task);
        var logger = new CapturingLogger<EventGridWebhook>();
        var webhook = MockedWebhook.Create(_hub.Object, _store.Object, _options, logger: logger);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (status, response) = HttpRequests.Read(await webhook.RunAsync(Post(TestEvents.Batch(Message("m1", Bob)))));

        clock.Stop();
        Assert.Equal(503, status);
        Assert.Equal(1, JsonDocument.Parse(response).RootElement.GetProperty("outcomes").GetProperty("transient").GetInt32());
        Assert.True(clock.Elapsed < _options.ProcessingDeadline + EventGridWebhook.AnswerMargin + TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed}");
        Assert.Contains("Answered at the deadline (00:00:02) while work was still stopping; what it left is redelivered", logger.Messages);
        never.SetResult(new NotificationOutcome(201, null, null));
    }

    [Fact]
    public async Task RunAsync_BodyStreamFailsUnexpectedly_ServiceUnavailableNoException()
    {
        var request = HttpRequests.PostFailingBody(new InvalidOperationException("a defect below the webhook"));

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(503, status);
        Assert.Contains("retried", body, StringComparison.Ordinal);
    }
}
