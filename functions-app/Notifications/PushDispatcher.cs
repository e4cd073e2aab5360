using System.Diagnostics;
using AcsPush.Functions.Diagnostics;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Telemetry;
using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Sends one <see cref="PushNotification"/> in every format: builds both payloads, claims the event in the idempotency
/// store (the only store call before the sends), sends the formats not done yet side by side, and returns what happened
/// with the claim to record. Recording (<see cref="RecordAsync"/>) is a separate step so the caller can run it after the
/// event's concurrency slot is released. A transient failure leaves the format pending, so the next delivery sends it;
/// a permanent refusal from the hub is recorded so it is not attempted again; a hub that refuses the app itself
/// (401, 403, 404) is a settings fault that affects every push: the format stays pending and Event Grid retries.
/// Every push's outcome and every send's duration is counted in <see cref="PushMetrics"/>.
/// </summary>
public sealed partial class PushDispatcher(
    INotificationHubsClient hub,
    IIdempotencyStore store,
    PushMetrics metrics,
    ILogger<PushDispatcher> logger)
{
    private static readonly string[] FormatNames = [.. PushPayloadBuilder.Formats.Select(PushPayloadBuilder.FormatName)];

    /// <summary>Builds, claims and sends <paramref name="push"/>; never throws for a failure of the hub or the store.</summary>
    public async Task<Dispatch> SendAsync(PushNotification push, DeliveryDeadline deadline)
    {
        ArgumentNullException.ThrowIfNull(push);
        ArgumentNullException.ThrowIfNull(deadline);
        Dictionary<string, NotificationRequest> requests;
        try
        {
            requests = PushPayloadBuilder.Formats.ToDictionary(
                PushPayloadBuilder.FormatName,
                format => PushPayloadBuilder.Build(push, format) with { Deadline = deadline.SendBy });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Building is pure: whatever fails here fails on every delivery of this event.
            LogUnbuildable(logger, ex, new Bounded(push.EventId));
            return Dispatch.Finished(EventResult.Rejected(RejectReason.Unbuildable));
        }

        EventClaim claim;
        try
        {
            claim = await store.ClaimAsync(push.Key, push.EventId, FormatNames, deadline.SendToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStoreFailed(logger, ex is OperationCanceledException ? null : ex, new Bounded(push.EventId), "claim");
            return Dispatch.Finished(EventResult.Transient(TransientReason.StoreUnavailable));
        }

        switch (claim.Status)
        {
            case ClaimStatus.AlreadyDone:
                CountSuppressed(FormatNames);
                return new Dispatch(EventResult.Duplicate, FormatNames.ToDictionary(f => f, _ => PushResult.AlreadyDone), null);
            case ClaimStatus.HeldElsewhere:
                return Dispatch.Finished(EventResult.Transient(TransientReason.HeldElsewhere));
        }

        CountSuppressed(claim.Done.Keys);

        var tag = RecipientTag.For(push.RecipientRawId);
        var sends = claim.ToSend.Select(async format => (format, await SendOneAsync(push, format, requests[format], tag, deadline.SendToken).ConfigureAwait(false)));
        var sent = await Task.WhenAll(sends).ConfigureAwait(false);

        var pushes = FormatNames.ToDictionary(f => f, _ => PushResult.AlreadyDone);
        var why = TransientReason.HubUnavailable;
        foreach (var (format, (result, reason)) in sent)
        {
            pushes[format] = result;
            why = reason ?? why;
        }

        return new Dispatch(EventResult.FromPushes(pushes.Values, why), pushes, claim);
    }

    /// <summary>
    /// Records the outcome of every format sent under the dispatch's claim in one conditional update and gives the
    /// lease up. Never throws: when the store fails or the deadline passes, the lease expires on its own and a later
    /// delivery sends the formats not recorded again (at least once, never lost).
    /// </summary>
    public async Task RecordAsync(Dispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (dispatch.Claim is not { Status: ClaimStatus.Acquired } claim)
        {
            return;
        }

        var states = claim.ToSend.ToDictionary(f => f, f => dispatch.Pushes[f] switch
        {
            PushResult.Sent => FormatState.Sent,
            PushResult.Rejected => FormatState.Rejected,
            _ => FormatState.Pending,
        });
        try
        {
            await store.RecordAsync(claim, states, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStoreFailed(logger, ex is OperationCanceledException ? null : ex, new Bounded(claim.EventId), "record");
        }
    }

    private void CountSuppressed(IEnumerable<string> formats)
    {
        foreach (var format in formats)
        {
            metrics.Push(format, PushResult.AlreadyDone);
        }
    }

    private async Task<(PushResult Result, TransientReason? Reason)> SendOneAsync(
        PushNotification push, string format, NotificationRequest request, string tag, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        (PushResult Result, TransientReason? Reason) sent;
        try
        {
            var outcome = await hub.SendNotificationAsync(request, tag, cancellationToken).ConfigureAwait(false);
            LogSent(logger, new Bounded(push.EventId), format, outcome.Status, outcome.TrackingId);
            sent = (PushResult.Sent, null);
        }
        catch (NotificationHubsException ex) when (ex.ConfigurationHint is { } check)
        {
            LogHubMisconfigured(logger, new Bounded(push.EventId), format, ex.Status, ex.TrackingId, check);
            sent = (PushResult.Transient, TransientReason.HubMisconfigured);
            PipelineTracing.PushFailed(push.EventId, format, sent.Result, ex.Status, ex.TrackingId);
        }
        catch (NotificationHubsException ex) when (!ex.IsTransient)
        {
            LogRejected(logger, new Bounded(push.EventId), format, ex.Status, ex.TrackingId);
            sent = (PushResult.Rejected, null);
            PipelineTracing.PushFailed(push.EventId, format, sent.Result, ex.Status, ex.TrackingId);
        }
        catch (NotificationHubsException ex)
        {
            LogTransient(logger, new Bounded(push.EventId), format, ex.Status, ex.TrackingId);
            sent = (PushResult.Transient, TransientReason.HubUnavailable);
            PipelineTracing.PushFailed(push.EventId, format, sent.Result, ex.Status, ex.TrackingId);
        }
        catch (OperationCanceledException)
        {
            LogDeadline(logger, new Bounded(push.EventId), format);
            sent = (PushResult.Transient, TransientReason.Deadline);
            PipelineTracing.PushFailed(push.EventId, format, sent.Result, 0, null);
        }
        catch (Exception ex)
        {
            // Not the event's fault (the payload was built): the hub call failed in a way the client does not classify.
            LogUnexpected(logger, ex, new Bounded(push.EventId), format);
            sent = (PushResult.Transient, TransientReason.HubUnavailable);
            PipelineTracing.PushFailed(push.EventId, format, sent.Result, 0, null);
        }

        metrics.HubSend(format, sent.Result, Stopwatch.GetElapsedTime(started));
        metrics.Push(format, sent.Result, sent.Reason);
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent push for event {EventId} ({Format}): hub status {Status}, tracking id {TrackingId}")]
    private static partial void LogSent(ILogger logger, Bounded eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused push for event {EventId} ({Format}) with status {Status}, tracking id {TrackingId}; not retried")]
    private static partial void LogRejected(ILogger logger, Bounded eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused push for event {EventId} ({Format}) with status {Status}, tracking id {TrackingId}; asking for a retry. {Check}")]
    private static partial void LogHubMisconfigured(ILogger logger, Bounded eventId, string format, int status, string? trackingId, string check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient hub failure for event {EventId} ({Format}): status {Status}, tracking id {TrackingId}; asking for a retry")]
    private static partial void LogTransient(ILogger logger, Bounded eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing deadline reached while sending the push for event {EventId} ({Format}); asking for a retry")]
    private static partial void LogDeadline(ILogger logger, Bounded eventId, string format);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure sending the push for event {EventId} ({Format}); asking for a retry")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, Bounded eventId, string format);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not build the push for event {EventId}; rejected for good")]
    private static partial void LogUnbuildable(ILogger logger, Exception exception, Bounded eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency store failed or ran out of time for event {EventId} ({Step})")]
    private static partial void LogStoreFailed(ILogger logger, Exception? exception, Bounded eventId, string step);
}

/// <summary>
/// What one event's dispatch did: its <see cref="Result"/>, each format's <see cref="PushResult"/>, and the claim that
/// <see cref="PushDispatcher.RecordAsync"/> records (null when nothing was claimed).
/// </summary>
public sealed record Dispatch(EventResult Result, IReadOnlyDictionary<string, PushResult> Pushes, EventClaim? Claim)
{
    /// <summary>A dispatch that sent nothing and has nothing to record.</summary>
    public static Dispatch Finished(EventResult result) => new(result, new Dictionary<string, PushResult>(), null);
}
