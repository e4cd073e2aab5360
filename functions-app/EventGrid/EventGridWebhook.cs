using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsPush.Functions.Diagnostics;
using AcsPush.Functions.Http;
using AcsPush.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// The Event Grid endpoint, <c>POST|OPTIONS /api/events</c>. Answers both validation handshakes and turns ACS chat
/// events into pushes. The status code tells Event Grid what to do: 200 delivered (every event sent, a duplicate, or
/// rejected for good), 503 retry later (an event failed transiently), 400/413 never retry (a body that can never be
/// processed). The answer comes within <see cref="WebhookOptions.ProcessingDeadline"/> plus <see cref="AnswerMargin"/>
/// whatever storage or the hub do, and no exception escapes. Each delivery is one span and is counted by its answer's
/// status (<see cref="PushMetrics"/>).
/// </summary>
public sealed partial class EventGridWebhook(
    EventBatchProcessor processor,
    PushMetrics metrics,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<EventGridWebhook> logger)
{
    internal const string RequestOriginHeader = "WebHook-Request-Origin";
    internal const string AllowedOriginHeader = "WebHook-Allowed-Origin";
    internal const string AllowedRateHeader = "WebHook-Allowed-Rate";
    internal const string EventTypeHeader = "aeg-event-type";
    internal const int MaxOriginLength = 256;
    internal const int MaxValidationCodeLength = 256;

    /// <summary>
    /// Longest wait past the processing deadline for work that has not yet noticed it (every call is cancelled at the
    /// deadline; this covers one that is slow to stop). The delivery is answered by then in any case.
    /// </summary>
    public static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(1);

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
            try
            {
                return Handshake(req);
            }
            catch (Exception ex)
            {
                return Unexpected(ex);
            }
        }

        using var activity = PipelineTracing.StartDelivery();
        ContentResult answer;
        try
        {
            answer = await DeliverAsync(req, activity).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            answer = Unexpected(ex);
        }

        var status = answer.StatusCode ?? StatusCodes.Status200OK;
        metrics.Delivery(status);
        PipelineTracing.Answered(activity, status);
        return answer;
    }

    private async Task<ContentResult> DeliverAsync(HttpRequest req, Activity? activity)
    {
        var settings = options.Value;
        var kind = req.Headers[EventTypeHeader].ToString();
        var isValidation = string.Equals(kind, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase);
        if (!isValidation && kind.Length > 0 && !string.Equals(kind, "Notification", StringComparison.OrdinalIgnoreCase))
        {
            LogRejectedBody(logger, "an unsupported aeg-event-type");
            return Json(StatusCodes.Status400BadRequest, new { error = $"The {EventTypeHeader} header must be Notification or SubscriptionValidation." });
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await BoundedBody.ReadAsync(req, settings.MaxRequestBodyBytes, req.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException or OperationCanceledException)
        {
            LogRejectedBody(logger, "the body could not be read");
            return Json(StatusCodes.Status400BadRequest, new { error = "The body could not be read." });
        }

        if (body is null)
        {
            LogTooLarge(logger, settings.MaxRequestBodyBytes);
            return Json(StatusCodes.Status413PayloadTooLarge, new { error = $"The body exceeds {settings.MaxRequestBodyBytes} bytes." });
        }

        var parsed = EventGridRequestParser.Parse(body.Value, req.ContentType);
        if (!parsed.Succeeded)
        {
            LogRejectedBody(logger, parsed.Error!);
            return Json(StatusCodes.Status400BadRequest, new { error = parsed.Error });
        }

        return isValidation ? Validate(parsed.Events) : await ProcessAsync(req, parsed.Events, settings, activity).ConfigureAwait(false);
    }

    private async Task<ContentResult> ProcessAsync(HttpRequest req, IReadOnlyList<IncomingEvent> events, WebhookOptions settings, Activity? activity)
    {
        var deadline = DeliveryDeadline.Start(settings.ProcessingDeadline, timeProvider, req.HttpContext.RequestAborted);
        var tally = new BatchTally(events.Count);
        var work = processor.ProcessAsync(events, deadline, tally);
        try
        {
            await work.WaitAsync(settings.ProcessingDeadline + AnswerMargin, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Work still running has been cancelled; what it leaves behind (a lease, an unrecorded send) is safe to redeliver.
            LogAnsweredBeforeWorkEnded(logger, settings.ProcessingDeadline + AnswerMargin);
        }
        finally
        {
            // The tokens stay usable until the work has let go of them.
            _ = work.ContinueWith(_ => deadline.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        var result = tally.Result();
        metrics.Processed(result);
        PipelineTracing.Processed(activity, result);
        var (outcomes, pushes) = (result.Outcomes, result.Pushes);
        LogProcessed(logger, result.Events, outcomes.Sent, outcomes.Duplicate, outcomes.Rejected, outcomes.Transient, pushes.Sent, pushes.Duplicates, pushes.Rejected, pushes.Transient);
        var summary = new
        {
            status = result.NeedsRetry ? "retry" : "processed",
            events = result.Events,
            sent = pushes.Sent,
            duplicates = pushes.Duplicates,
            rejected = pushes.Rejected,
            transient = pushes.Transient,
            outcomes = new { sent = outcomes.Sent, duplicate = outcomes.Duplicate, rejected = outcomes.Rejected, transient = outcomes.Transient },
        };
        return Json(result.NeedsRetry ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, summary);
    }

    // A validation request carries exactly one validation event and is answered only as a validation: nothing in it is
    // processed, and a body with anything else is refused, so no event is acknowledged without being looked at.
    private ContentResult Validate(IReadOnlyList<IncomingEvent> events)
    {
        if (events is not [{ Problem: null, EventType: EventTypes.SubscriptionValidation } validation])
        {
            LogRejectedBody(logger, $"a validation request with {events.Count} events");
            return Json(StatusCodes.Status400BadRequest, new
            {
                error = $"A SubscriptionValidation request must carry exactly one {EventTypes.SubscriptionValidation}; this one carries {events.Count} events. Send other events as Notification.",
            });
        }

        if (validation.Data is not SubscriptionValidationData { ValidationCode: { Length: > 0 and <= MaxValidationCodeLength } code })
        {
            LogRejectedBody(logger, "a validation event without a usable validationCode");
            return Json(StatusCodes.Status400BadRequest, new { error = $"The subscription validation event has no validationCode of 1-{MaxValidationCodeLength} characters." });
        }

        LogValidated(logger, new Bounded(validation.Id));
        return Json(StatusCodes.Status200OK, new { validationResponse = code });
    }

    // CloudEvents abuse-protection handshake: https://github.com/cloudevents/spec/blob/v1.0/http-webhook.md#4-abuse-protection
    private IActionResult Handshake(HttpRequest req)
    {
        var origin = req.Headers[RequestOriginHeader].ToString().Trim();
        if (origin.Length == 0 || origin.Length > MaxOriginLength || !origin.All(c => c is > ' ' and < '\u007f'))
        {
            LogRejectedBody(logger, "an OPTIONS request without a usable origin");
            return Json(StatusCodes.Status400BadRequest, new
            {
                error = $"OPTIONS requires the {RequestOriginHeader} header: a host name of 1-{MaxOriginLength} printable ASCII characters, for example eventgrid.azure.net.",
            });
        }

        req.HttpContext.Response.Headers[AllowedOriginHeader] = origin;
        req.HttpContext.Response.Headers[AllowedRateHeader] = options.Value.AllowedRate;
        LogHandshake(logger, new Bounded(origin));
        return new OkResult();
    }

    // A defect, not the delivery's fault: ask for a retry, which ends in the dead-letter container if it persists.
    private ContentResult Unexpected(Exception ex)
    {
        LogUnexpected(logger, ex);
        return Json(StatusCodes.Status503ServiceUnavailable, new { error = "The delivery could not be processed; it will be retried." });
    }

    private static ContentResult Json(int status, object value) => new()
    {
        StatusCode = status,
        ContentType = "application/json; charset=utf-8",
        Content = JsonSerializer.Serialize(value, ResponseJson),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the webhook handshake for origin {Origin}")]
    private static partial void LogHandshake(ILogger logger, Bounded origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered the subscription validation event {EventId}")]
    private static partial void LogValidated(ILogger logger, Bounded eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery larger than {MaxBytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a delivery that can never be processed: {Reason}")]
    private static partial void LogRejectedBody(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered at the deadline ({Limit}) while work was still stopping; what it left is redelivered")]
    private static partial void LogAnsweredBeforeWorkEnded(ILogger logger, TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery failed unexpectedly; asking for a retry")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed delivery of {Events} events: {Sent} sent, {Duplicates} duplicates, {Rejected} rejected, {Transient} to retry; pushes {PushesSent} sent, {PushesDuplicate} already done, {PushesRejected} refused, {PushesTransient} to retry")]
    private static partial void LogProcessed(ILogger logger, int events, int sent, int duplicates, int rejected, int transient, int pushesSent, int pushesDuplicate, int pushesRejected, int pushesTransient);
}
