using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Counts of one delivery, filled in as its events settle, safe to read at any time: an event not settled when the
/// delivery is answered counts as transient, so an answer given at the deadline still asks for a retry.
/// </summary>
public sealed class BatchTally(int events)
{
    private readonly int[] _outcomes = new int[Enum.GetValues<EventOutcome>().Length];
    private readonly int[] _pushes = new int[Enum.GetValues<PushResult>().Length];
    private int _settled;

    /// <summary>Events in the delivery.</summary>
    public int Events { get; } = events;

    /// <summary>Counts one settled event and its pushes; returns how many events carried <paramref name="outcome"/> so far.</summary>
    public int Add(EventOutcome outcome, IReadOnlyDictionary<string, PushResult>? pushes)
    {
        foreach (var push in pushes?.Values ?? [])
        {
            Interlocked.Increment(ref _pushes[(int)push]);
        }

        Interlocked.Increment(ref _settled);
        return Interlocked.Increment(ref _outcomes[(int)outcome]);
    }

    /// <summary>The counts now; events not settled yet count as transient.</summary>
    public BatchResult Result()
    {
        var unsettled = Events - Volatile.Read(ref _settled);
        return new BatchResult(
            Events,
            new OutcomeCounts(Read(_outcomes, EventOutcome.Sent), Read(_outcomes, EventOutcome.Duplicate), Read(_outcomes, EventOutcome.Rejected), Read(_outcomes, EventOutcome.Transient) + unsettled),
            new PushCounts(Read(_pushes, PushResult.Sent), Read(_pushes, PushResult.AlreadyDone), Read(_pushes, PushResult.Rejected), Read(_pushes, PushResult.Transient)));
    }

    private static int Read<T>(int[] counts, T value) where T : struct, Enum => Volatile.Read(ref counts[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)]);
}

/// <summary>Events of a delivery by <see cref="EventOutcome"/>.</summary>
public readonly record struct OutcomeCounts(int Sent, int Duplicate, int Rejected, int Transient);

/// <summary>Pushes of a delivery by <see cref="PushResult"/> (already done counts as a duplicate).</summary>
public readonly record struct PushCounts(int Sent, int Duplicates, int Rejected, int Transient);

/// <summary>Outcome of a delivery; answered 503 when any event is transient.</summary>
public sealed record BatchResult(int Events, OutcomeCounts Outcomes, PushCounts Pushes)
{
    /// <summary>True when Event Grid should deliver the batch again.</summary>
    public bool NeedsRetry => Outcomes.Transient > 0;
}
