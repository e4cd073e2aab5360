using System.Text.Encodings.Web;
using System.Text.Json;
using AcsPush.Functions.Http;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// The Event Grid endpoint, <c>POST|OPTIONS /api/events</c>. Answers both validation handshakes and turns ACS
/// chat events into pushes. The status code tells Event Grid what to do: 200 delivered (including events
/// skipped on purpose or refused for good by the hub), 503 retry later, 400/413 never retry.
/// </summary>
public sealed partial class EventGridWebhook(
    EventBatchProcessor processor,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<EventGridWebhook> logger)
{
    internal const string RequestOriginHeader = "WebHook-Request-Origin";
    internal const string AllowedOriginHeader = "WebHook-Allowed-Origin";
    internal const string AllowedRateHeader = "WebHook-Allowed-Rate";

    // Answers are read by Event Grid and operators, never embedded in HTML: keep quotes in messages readable.
    private static readonly JsonSerializerOptions ResponseJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Handles one delivery or handshake.</summary>
    [Function(nameof(EventGridWebhook))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", "options", Route = "events")] HttpRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (HttpMethods.IsOptions(req.Method))
        {
            return Handshake(req);
        }

        var settings = options.Value;
        var body = await BoundedBody.ReadAsync(req, settings.MaxRequestBodyBytes, req.HttpContext.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            LogTooLarge(logger, settings.MaxRequestBodyBytes);
            return Json(StatusCodes.Status413PayloadTooLarge, new { error = $"The body exceeds {settings.MaxRequestBodyBytes} bytes." });
        }

        var parsed = EventGridRequestParser.Parse(new BinaryData(body.Value), req.ContentType);
        if (!parsed.Succeeded)
        {
            LogRejectedBody(logger, parsed.Error!);
            return Json(StatusCodes.Status400BadRequest, new { error = parsed.Error });
        }

        if (parsed.Events.FirstOrDefault(e => e.EventType == SystemEventNames.EventGridSubscriptionValidation) is { } validation)
        {
            return Validate(validation);
        }

        using var deadline = new CancellationTokenSource(settings.ProcessingDeadline, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, req.HttpContext.RequestAborted);
        var result = await processor.ProcessAsync(parsed.Events, linked.Token).ConfigureAwait(false);
        LogProcessed(logger, parsed.Schema, result.Events, result.Sent, result.Duplicates, result.Rejected, result.Transient);

        var summary = new
        {
            status = result.NeedsRetry ? "retry" : "processed",
            events = result.Events,
            sent = result.Sent,
            duplicates = result.Duplicates,
            rejected = result.Rejected,
            transient = result.Transient,
        };
        return Json(result.NeedsRetry ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, summary);
    }

    // CloudEvents abuse-protection handshake: https://github.com/cloudevents/spec/blob/v1.0/http-webhook.md#4-abuse-protection
    private IActionResult Handshake(HttpRequest req)
    {
        var origin = req.Headers[RequestOriginHeader].ToString().Trim();
        if (string.IsNullOrWhiteSpace(origin))
        {
            return Json(StatusCodes.Status400BadRequest, new { error = $"OPTIONS requires the {RequestOriginHeader} header." });
        }

        req.HttpContext.Response.Headers[AllowedOriginHeader] = origin;
        req.HttpContext.Response.Headers[AllowedRateHeader] = options.Value.AllowedRate;
        LogHandshake(logger, origin);
        return new OkResult();
    }

    private ContentResult Validate(IncomingEvent validation)
    {
        if (validation.TryGetSystemEventData(out var data)
            && data is SubscriptionValidationEventData { ValidationCode: { Length: > 0 } code })
        {
            LogValidated(logger, validation.Id);
            return Json(StatusCodes.Status200OK, new { validationResponse = code });
        }

        return Json(StatusCodes.Status400BadRequest, new { error = "The subscription validation event has no validationCode." });
    }

    private static ContentResult Json(int status, object value) => new()
    {
        StatusCode = status,
        ContentType = "application/json; charset=utf-8",
        Content = JsonSerializer.Serialize(value, ResponseJson),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the webhook handshake for origin {Origin}")]
    private static partial void LogHandshake(ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the subscription validation event {EventId}")]
    private static partial void LogValidated(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery larger than {MaxBytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery that can never be processed: {Reason}")]
    private static partial void LogRejectedBody(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed {Schema} delivery: {Events} events, {Sent} sent, {Duplicates} duplicates, {Rejected} rejected, {Transient} to retry")]
    private static partial void LogProcessed(ILogger logger, EventSchema schema, int events, int sent, int duplicates, int rejected, int transient);
}
