using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Tests.NotificationHubs;
using Microsoft.AspNetCore.Http;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

/// <summary>
/// What the webhook answers and logs when it refuses a request: the handshake's origin at its bounds, a body that cannot
/// be read, one too large, and a validation request that is not one. The Warning lines are what operators query
/// (docs/operations.md), so their wording is asserted.
/// </summary>
public sealed class EventGridWebhookRefusalTests
{
    private readonly Mock<INotificationHubsClient> _hub = new(MockBehavior.Strict);
    private readonly Mock<IIdempotencyStore> _store = new(MockBehavior.Strict);
    private readonly CapturingLogger<EventGridWebhook> _logger = new();
    private WebhookOptions _options = new() { MaxConcurrency = 4 };

    private EventGridWebhook Webhook() => MockedWebhook.Create(_hub.Object, _store.Object, _options, logger: _logger);

    private static HttpRequest Options(string origin) =>
        HttpRequests.Create(HttpMethods.Options, null, null, new Dictionary<string, string> { [EventGridWebhook.RequestOriginHeader] = origin });

    private static HttpRequest Post(string body, string eventType = "Notification") =>
        HttpRequests.Create(HttpMethods.Post, Encoding.UTF8.GetBytes(body), "application/json",
            new Dictionary<string, string> { ["aeg-event-type"] = eventType });

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    public static TheoryData<string> UsableOrigins => new()
    {
        new string('o', EventGridWebhook.MaxOriginLength),
        "!",
        "~",
        "eventgrid.azure.net",
    };

    [Theory]
    [MemberData(nameof(UsableOrigins))]
    public async Task RunAsync_OptionsWithAnOriginWithinBounds_Allowed(string origin)
    {
        var request = Options(origin);

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(200, status);
        Assert.Equal(origin, request.HttpContext.Response.Headers["WebHook-Allowed-Origin"].ToString());
    }

    public static TheoryData<string> UnusableOrigins => new()
    {
        new string('o', EventGridWebhook.MaxOriginLength + 1),
        "event grid",
        "event\u007fgrid",
        "évent.grid",
    };

    [Theory]
    [MemberData(nameof(UnusableOrigins))]
    public async Task RunAsync_OptionsWithAnUnusableOrigin_BadRequestAndLogged(string origin)
    {
        var request = Options(origin);

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(400, status);
        Assert.Contains($"1-{EventGridWebhook.MaxOriginLength} printable ASCII characters", Error(body), StringComparison.Ordinal);
        Assert.False(request.HttpContext.Response.Headers.ContainsKey("WebHook-Allowed-Origin"));
        Assert.Equal("Warning: Refused a delivery that can never be processed: an OPTIONS request without a usable origin", Assert.Single(_logger.Lines).TrimEnd());
    }

    public static TheoryData<string> ReadFailures => new() { "io", "bad request", "cancelled" };

    [Theory]
    [MemberData(nameof(ReadFailures))]
    public async Task RunAsync_BodyCannotBeRead_BadRequestAndLogged(string failure)
    {
        var request = HttpRequests.PostFailingBody(failure switch
        {
            "io" => new IOException("connection reset"),
            "bad request" => new BadHttpRequestException("unexpected end of request content"),
            _ => new OperationCanceledException(),
        });

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(400, status);
        Assert.Equal("The body could not be read.", Error(body));
        Assert.Equal("Warning: Refused a delivery that can never be processed: the body could not be read", Assert.Single(_logger.Lines).TrimEnd());
    }

    [Fact]
    public async Task RunAsync_BodyOverTheLimit_PayloadTooLargeNamingTheLimitAndLogged()
    {
        _options = new WebhookOptions { MaxConcurrency = 4, MaxRequestBodyBytes = 1024 };

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(Post(new string(' ', 1025) + "[]")));

        Assert.Equal(413, status);
        Assert.Equal("The body exceeds 1024 bytes.", Error(body));
        Assert.Equal("Warning: Refused a delivery larger than 1024 bytes", Assert.Single(_logger.Lines).TrimEnd());
    }

    [Fact]
    public async Task RunAsync_UnsupportedEventTypeHeader_BadRequestAndLogged()
    {
        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(Post("[]", "Unsubscribe")));

        Assert.Equal(400, status);
        Assert.Contains("Notification or SubscriptionValidation", Error(body), StringComparison.Ordinal);
        Assert.Equal("Warning: Refused a delivery that can never be processed: an unsupported aeg-event-type", Assert.Single(_logger.Lines).TrimEnd());
    }

    [Fact]
    public async Task RunAsync_UnparsableBody_BadRequestLoggedWithTheParsersReason()
    {
        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(Post("{not json")));

        Assert.Equal(400, status);
        var line = Assert.Single(_logger.Lines).TrimEnd();
        Assert.Equal($"Warning: Refused a delivery that can never be processed: {Error(body)}", line);
    }

    [Fact]
    public async Task RunAsync_ValidationRequestWithTwoEvents_BadRequestNamingTheCountAndLogged()
    {
        var validation = TestEvents.EventGridEnvelope("v", "Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "code" });
        var second = TestEvents.EventGridEnvelope("v2", "Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "code" });

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(Post(TestEvents.Batch(validation, second), "SubscriptionValidation")));

        Assert.Equal(400, status);
        Assert.Contains("this one carries 2 events", Error(body), StringComparison.Ordinal);
        Assert.Equal("Warning: Refused a delivery that can never be processed: a validation request with 2 events", Assert.Single(_logger.Lines).TrimEnd());
    }

    [Fact]
    public async Task RunAsync_ValidationEventWithoutCode_BadRequestAndLogged()
    {
        var validation = TestEvents.EventGridEnvelope("v", "Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "" });

        var (status, body) = HttpRequests.Read(await Webhook().RunAsync(Post(TestEvents.Batch(validation), "SubscriptionValidation")));

        Assert.Equal(400, status);
        Assert.StartsWith("The subscription validation event has no validationCode of 1-", Error(body), StringComparison.Ordinal);
        Assert.Equal("Warning: Refused a delivery that can never be processed: a validation event without a usable validationCode", Assert.Single(_logger.Lines).TrimEnd());
    }

    [Fact]
    public async Task RunAsync_Refusal_AnswersJsonInUtf8()
    {
        var result = await Webhook().RunAsync(Post("[]", "Unsubscribe"));

        Assert.Equal("application/json; charset=utf-8", Assert.IsType<Microsoft.AspNetCore.Mvc.ContentResult>(result).ContentType);
    }

    [Fact]
    public async Task RunAsync_BodyStreamFailsUnexpectedly_LogsTheDefectAsAnError()
    {
        var request = HttpRequests.PostFailingBody(new InvalidOperationException("a defect below the webhook"));

        var (status, _) = HttpRequests.Read(await Webhook().RunAsync(request));

        Assert.Equal(503, status);
        var line = Assert.Single(_logger.Lines);
        Assert.StartsWith("Error: The delivery failed unexpectedly; asking for a retry", line, StringComparison.Ordinal);
        Assert.Contains("a defect below the webhook", line, StringComparison.Ordinal);
    }
}
