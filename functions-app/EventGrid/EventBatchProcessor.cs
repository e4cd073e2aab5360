using AcsPush.Functions.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Routes and sends every event of a delivery with bounded concurrency and under one deadline. Each event is
/// accounted for: sent, skipped on purpose, or left for a retry when a transient failure or the deadline
/// stopped it.
/// </summary>
public sealed partial class EventBatchProcessor(
    ChatEventRouter router,
    PushDispatcher dispatcher,
    IOptions<WebhookOptions> options,
    ILogger<EventBatchProcessor> logger)
{
    /// <summary>Processes <paramref name="events"/>; stops starting new work when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<BatchResult> ProcessAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);

        // Event Grid may repeat an event inside one batch; the first copy stands for all of them.
        var distinct = events.DistinctBy(e => e.Id, StringComparer.Ordinal).ToArray();
        var totals = new Totals { Duplicates = events.Count - distinct.Length };
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency };

        await Parallel.ForEachAsync(distinct, parallelOptions, async (incoming, _) =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref totals.NotStarted);
                return;
            }

            var result = await ProcessOneAsync(incoming, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref totals.Sent, result.Sent);
            Interlocked.Add(ref totals.Duplicates, result.Duplicates);
            Interlocked.Add(ref totals.Rejected, result.Rejected);
            Interlocked.Add(ref totals.Transient, result.Transient);
        }).ConfigureAwait(false);

        if (totals.NotStarted > 0)
        {
            LogDeadline(logger, totals.NotStarted, distinct.Length);
        }

        return new BatchResult(events.Count, totals.Sent, totals.Duplicates, totals.Rejected, totals.Transient + totals.NotStarted);
    }

    private async Task<DispatchResult> ProcessOneAsync(IncomingEvent incoming, CancellationToken cancellationToken)
    {
        if (!incoming.TryGetSystemEventData(out var data))
        {
            LogIgnored(logger, incoming.EventType, incoming.Id, SkipReason.UnsupportedEventType);
            return default;
        }

        var decision = router.Route(incoming.Id, data);
        if (decision.Push is null)
        {
            LogIgnored(logger, incoming.EventType, incoming.Id, decision.Reason!.Value);
            return default;
        }

        return await dispatcher.DispatchAsync(decision.Push, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Totals
    {
        public int Sent;
        public int Duplicates;
        public int Rejected;
        public int Transient;
        public int NotStarted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Acknowledged event {EventType} {EventId} without a push: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string eventType, string eventId, SkipReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing deadline reached: {NotStarted} of {Count} events not started; asking for a retry")]
    private static partial void LogDeadline(ILogger logger, int notStarted, int count);
}

/// <summary>
/// Outcome of a delivery. <see cref="Transient"/> counts pushes (or events) that must be retried; when it is
/// non-zero the delivery is answered 503.
/// </summary>
public sealed record BatchResult(int Events, int Sent, int Duplicates, int Rejected, int Transient)
{
    /// <summary>True when Event Grid should deliver the batch again.</summary>
    public bool NeedsRetry => Transient > 0;
}
