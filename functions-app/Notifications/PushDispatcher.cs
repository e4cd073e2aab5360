using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Sends one <see cref="PushNotification"/> in every format, each guarded by the idempotency store: claim,
/// send, then record the result. A transient failure gives the claim back so the next delivery resends;
/// a permanent refusal from the hub is recorded so it is not attempted again. A hub that refuses the
/// credentials (401), the rights (403) or does not exist (404) is a configuration fault that affects every
/// push, not this one: the claim is given back so Event Grid retries and finally dead-letters the event.
/// </summary>
public sealed partial class PushDispatcher(
    INotificationHubsClient hub,
    IIdempotencyStore store,
    ILogger<PushDispatcher> logger)
{
    /// <summary>Sends <paramref name="push"/> to its recipient's tag in the <c>apple</c> and <c>fcmv1</c> formats, concurrently.</summary>
    public async Task<DispatchResult> DispatchAsync(PushNotification push, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        var tag = RecipientTag.For(push.RecipientRawId);
        // Each format has its own claim, so the two sends are independent and run side by side: an event
        // costs one hub round trip of latency, not two.
        var outcomes = await Task.WhenAll(
            PushPayloadBuilder.Formats.Select(format => SendOnceAsync(push, tag, format, cancellationToken))).ConfigureAwait(false);
        return outcomes.Aggregate(new DispatchResult(), (result, outcome) => result.Add(outcome));
    }

    private async Task<SendOutcome> SendOnceAsync(PushNotification push, string tag, NotificationFormat format, CancellationToken cancellationToken)
    {
        var formatName = PushPayloadBuilder.FormatName(format);
        var key = new IdempotencyKey(push.EventId, tag, formatName);
        LeaseResult claim;
        try
        {
            claim = await store.TryAcquireAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex, push.EventId, formatName);
            return SendOutcome.Transient;
        }
        catch (OperationCanceledException)
        {
            return SendOutcome.Transient;
        }

        switch (claim.Status)
        {
            case LeaseStatus.AlreadyCompleted:
                LogDuplicate(logger, push.EventId, formatName);
                return SendOutcome.Duplicate;
            case LeaseStatus.HeldElsewhere:
                LogHeldElsewhere(logger, push.EventId, formatName);
                return SendOutcome.Transient;
        }

        var lease = claim.Lease!;
        try
        {
            var request = PushPayloadBuilder.Build(push, format);
            var outcome = await hub.SendNotificationAsync(request, tag, cancellationToken).ConfigureAwait(false);
            LogSent(logger, push.EventId, formatName, outcome.Status, outcome.TrackingId);
            return await CompleteAsync(lease, CompletionState.Sent, SendOutcome.Sent).ConfigureAwait(false);
        }
        catch (NotificationHubsException ex) when (ex.ConfigurationHint is { } check)
        {
            LogHubMisconfigured(logger, push.EventId, formatName, ex.Status, ex.TrackingId, check);
            await ReleaseAsync(lease).ConfigureAwait(false);
            return SendOutcome.Transient;
        }
        catch (NotificationHubsException ex) when (!ex.IsTransient)
        {
            LogRejected(logger, push.EventId, formatName, ex.Status, ex.TrackingId);
            return await CompleteAsync(lease, CompletionState.Rejected, SendOutcome.Rejected).ConfigureAwait(false);
        }
        catch (NotificationHubsException ex)
        {
            LogTransient(logger, push.EventId, formatName, ex.Status, ex.TrackingId);
            await ReleaseAsync(lease).ConfigureAwait(false);
            return SendOutcome.Transient;
        }
        catch (OperationCanceledException)
        {
            LogDeadline(logger, push.EventId, formatName);
            await ReleaseAsync(lease).ConfigureAwait(false);
            return SendOutcome.Transient;
        }
        catch (Exception ex)
        {
            LogUnexpected(logger, ex, push.EventId, formatName);
            await ReleaseAsync(lease).ConfigureAwait(false);
            return SendOutcome.Transient;
        }
    }

    // Recording runs after the send and must not be cut short by the request deadline: the push went out.
    private async Task<SendOutcome> CompleteAsync(PushLease lease, CompletionState state, SendOutcome outcome)
    {
        try
        {
            await store.CompleteAsync(lease, state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires and a later delivery may resend: at-least-once is the fallback, never a lost push.
            LogStoreFailed(logger, ex, lease.Key.EventId, lease.Key.Format);
        }

        return outcome;
    }

    private async Task ReleaseAsync(PushLease lease)
    {
        try
        {
            await store.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires on its own; the next delivery after that resends.
            LogStoreFailed(logger, ex, lease.Key.EventId, lease.Key.Format);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent push for event {EventId} ({Format}): hub status {Status}, tracking id {TrackingId}")]
    private static partial void LogSent(ILogger logger, string eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push for event {EventId} ({Format}) was already handled; not sent again")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string format);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push for event {EventId} ({Format}) is being sent by another delivery; asking for a retry")]
    private static partial void LogHeldElsewhere(ILogger logger, string eventId, string format);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused push for event {EventId} ({Format}) with status {Status}, tracking id {TrackingId}; not retried")]
    private static partial void LogRejected(ILogger logger, string eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub refused push for event {EventId} ({Format}) with status {Status}, tracking id {TrackingId}; asking for a retry. {Check}")]
    private static partial void LogHubMisconfigured(ILogger logger, string eventId, string format, int status, string? trackingId, string check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient hub failure for event {EventId} ({Format}): status {Status}, tracking id {TrackingId}; asking for a retry")]
    private static partial void LogTransient(ILogger logger, string eventId, string format, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing deadline reached before the push for event {EventId} ({Format}) was sent; asking for a retry")]
    private static partial void LogDeadline(ILogger logger, string eventId, string format);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure sending the push for event {EventId} ({Format}); asking for a retry")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string eventId, string format);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency store failed for event {EventId} ({Format})")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string eventId, string format);
}

/// <summary>Result of one send attempt in one format.</summary>
public enum SendOutcome
{
    /// <summary>The hub accepted the push.</summary>
    Sent,

    /// <summary>Already handled by an earlier delivery; not sent again.</summary>
    Duplicate,

    /// <summary>The hub refused it for good; acknowledged and not retried.</summary>
    Rejected,

    /// <summary>Could not be sent now (including a hub refusing the app's credentials); Event Grid should deliver the event again.</summary>
    Transient,
}

/// <summary>Counts of <see cref="SendOutcome"/>s.</summary>
public readonly record struct DispatchResult(int Sent, int Duplicates, int Rejected, int Transient)
{
    /// <summary>This result with one more <paramref name="outcome"/>.</summary>
    public DispatchResult Add(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Sent => this with { Sent = Sent + 1 },
        SendOutcome.Duplicate => this with { Duplicates = Duplicates + 1 },
        SendOutcome.Rejected => this with { Rejected = Rejected + 1 },
        _ => this with { Transient = Transient + 1 },
    };
}
