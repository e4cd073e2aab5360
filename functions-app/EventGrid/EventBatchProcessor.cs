using System.Collections.Concurrent;
using AcsPush.Functions.Diagnostics;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Processes the events of a delivery with bounded concurrency and under its deadline. An event holds a concurrency slot
/// while it is routed, claimed and sent; recording its outcome runs after the slot is released (still under the
/// deadline), so the claim is the only storage wait before a send. Every event settles in <see cref="Settle"/>, the one
/// place where its outcome is counted and logged.
/// </summary>
public sealed partial class EventBatchProcessor(
    ChatEventRouter router,
    PushDispatcher dispatcher,
    IOptions<WebhookOptions> options,
    ILogger<EventBatchProcessor> logger)
{
    // Rejections logged one by one per delivery; a body of thousands of junk events is summed up instead.
    internal const int MaxRejectionLogsPerDelivery = 20;

    /// <summary>Processes <paramref name="events"/> into <paramref name="tally"/>; starts no new event once the send deadline passed.</summary>
    public async Task ProcessAsync(IReadOnlyList<IncomingEvent> events, DeliveryDeadline deadline, BatchTally tally)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(deadline);
        ArgumentNullException.ThrowIfNull(tally);

        // Event Grid may repeat an event inside one batch; the first copy stands for all of them.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<IncomingEvent>(events.Count);
        foreach (var incoming in events)
        {
            if (incoming.Problem is null && !seen.Add(incoming.Id))
            {
                Settle(tally, incoming, EventResult.Duplicate, null);
            }
            else
            {
                distinct.Add(incoming);
            }
        }

        var records = new ConcurrentBag<Task>();
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency };
        await Parallel.ForEachAsync(distinct, parallelOptions, async (incoming, _) =>
        {
            if (deadline.SendToken.IsCancellationRequested)
            {
                Settle(tally, incoming, EventResult.Transient(TransientReason.NotStarted), null);
                return;
            }

            var dispatch = await DispatchAsync(incoming, deadline).ConfigureAwait(false);
            Settle(tally, incoming, dispatch.Result, dispatch.Pushes);
            if (dispatch.Claim is not null)
            {
                records.Add(dispatcher.RecordAsync(dispatch, deadline.Token));
            }
        }).ConfigureAwait(false);

        await Task.WhenAll(records).ConfigureAwait(false);
        var rejected = tally.Count(EventOutcome.Rejected);
        if (rejected > MaxRejectionLogsPerDelivery)
        {
            LogRejectionsSummed(logger, rejected, MaxRejectionLogsPerDelivery);
        }
    }

    private async Task<Dispatch> DispatchAsync(IncomingEvent incoming, DeliveryDeadline deadline)
    {
        RoutingDecision decision;
        try
        {
            decision = router.Route(incoming);
        }
        catch (Exception ex)
        {
            // Routing is pure: a failure here would repeat on every delivery, so retrying cannot help.
            LogRouteFailed(logger, ex, new Bounded(incoming.Id));
            return Dispatch.Finished(EventResult.Rejected(RejectReason.Unbuildable));
        }

        return decision.Push is { } push
            ? await dispatcher.SendAsync(push, deadline).ConfigureAwait(false)
            : Dispatch.Finished(EventResult.Rejected(decision.Reason!.Value));
    }

    /// <summary>Where every event's outcome is counted and logged (ids and types bounded).</summary>
    private void Settle(BatchTally tally, IncomingEvent incoming, EventResult result, IReadOnlyDictionary<string, PushResult>? pushes)
    {
        var count = tally.Add(result, pushes);
        PipelineTracing.EventFailed(incoming.Id, result);
        switch (result.Outcome)
        {
            case EventOutcome.Duplicate:
                LogDuplicate(logger, new Bounded(incoming.Id));
                break;
            case EventOutcome.Rejected when count <= MaxRejectionLogsPerDelivery:
                LogRejected(logger, incoming.Index, new Bounded(incoming.EventType), new Bounded(incoming.Id), result.RejectReason!.Value, incoming.Problem);
                break;
            case EventOutcome.Transient:
                LogTransient(logger, new Bounded(incoming.Id), result.TransientReason!.Value);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} was already handled; nothing sent again")]
    private static partial void LogDuplicate(ILogger logger, Bounded eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acknowledged event #{Index} {EventType} {EventId} without a push: {Reason} {Problem}")]
    private static partial void LogRejected(ILogger logger, int index, Bounded eventType, Bounded eventId, RejectReason reason, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} is left for a retry: {Reason}")]
    private static partial void LogTransient(ILogger logger, Bounded eventId, TransientReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rejected} events of the delivery were acknowledged without a push; the first {Logged} are logged one by one")]
    private static partial void LogRejectionsSummed(ILogger logger, int rejected, int logged);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing event {EventId} failed; rejected for good")]
    private static partial void LogRouteFailed(ILogger logger, Exception exception, Bounded eventId);
}
