using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Counts of one delivery, filled in as its events settle, safe to read at any time: an event not settled when the
/// delivery is answered counts as transient (<see cref="TransientReason.Deadline"/>), so an answer given at the deadline
/// still asks for a retry.
/// </summary>
public sealed class BatchTally(int events)
{
    private readonly int[] _outcomes = new int[Enum.GetValues<EventOutcome>().Length];
    private readonly int[] _pushes = new int[Enum.GetValues<PushResult>().Length];
    private readonly int[] _rejections = new int[Enum.GetValues<RejectReason>().Length];
    private readonly int[] _retries = new int[Enum.GetValues<TransientReason>().Length];
    private int _settled;

    /// <summary>Events in the delivery.</summary>
    public int Events { get; } = events;

    /// <summary>Counts one settled event, its reason and its pushes; returns how many events carried its outcome so far.</summary>
    public int Add(EventResult result, IReadOnlyDictionary<string, PushResult>? pushes)
    {
        foreach (var push in pushes?.Values ?? [])
        {
            Interlocked.Increment(ref _pushes[(int)push]);
        }

        if (result.RejectReason is { } rejected)
        {
            Interlocked.Increment(ref _rejections[(int)rejected]);
        }

        if (result.TransientReason is { } transient)
        {
            Interlocked.Increment(ref _retries[(int)transient]);
        }

        Interlocked.Increment(ref _settled);
        return Interlocked.Increment(ref _outcomes[(int)result.Outcome]);
    }

    /// <summary>Events settled so far with <paramref name="outcome"/>.</summary>
    public int Count(EventOutcome outcome) => Volatile.Read(ref _outcomes[(int)outcome]);

    /// <summary>The counts now; events not settled yet count as transient.</summary>
    public BatchResult Result()
    {
        var unsettled = Events - Volatile.Read(ref _settled);
        var retries = NonZero<TransientReason>(_retries);
        if (unsettled > 0)
        {
            retries[TransientReason.Deadline] = retries.GetValueOrDefault(TransientReason.Deadline) + unsettled;
        }

        return new BatchResult(
            Events,
            new OutcomeCounts(Read(_outcomes, EventOutcome.Sent), Read(_outcomes, EventOutcome.Duplicate), Read(_outcomes, EventOutcome.Rejected), Read(_outcomes, EventOutcome.Transient) + unsettled),
            new PushCounts(Read(_pushes, PushResult.Sent), Read(_pushes, PushResult.AlreadyDone), Read(_pushes, PushResult.Rejected), Read(_pushes, PushResult.Transient)))
        {
            Rejections = NonZero<RejectReason>(_rejections),
            Retries = retries,
        };
    }

    private static int Read<T>(int[] counts, T value) where T : struct, Enum => Volatile.Read(ref counts[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)]);

    private static Dictionary<T, int> NonZero<T>(int[] counts) where T : struct, Enum
    {
        var found = new Dictionary<T, int>();
        foreach (var value in Enum.GetValues<T>())
        {
            if (Read(counts, value) is > 0 and var count)
            {
                found[value] = count;
            }
        }

        return found;
    }
}

/// <summary>Events of a delivery by <see cref="EventOutcome"/>.</summary>
public readonly record struct OutcomeCounts(int Sent, int Duplicate, int Rejected, int Transient);

/// <summary>Pushes of a delivery by <see cref="PushResult"/> (already done counts as a duplicate).</summary>
public readonly record struct PushCounts(int Sent, int Duplicates, int Rejected, int Transient);

/// <summary>Outcome of a delivery; answered 503 when any event is transient.</summary>
public sealed record BatchResult(int Events, OutcomeCounts Outcomes, PushCounts Pushes)
{
    /// <summary>Rejected events by reason (reasons with none left out).</summary>
    public IReadOnlyDictionary<RejectReason, int> Rejections { get; init; } = new Dictionary<RejectReason, int>();

    /// <summary>Transient events by reason (reasons with none left out); events unsettled at the answer count as <see cref="TransientReason.Deadline"/>.</summary>
    public IReadOnlyDictionary<TransientReason, int> Retries { get; init; } = new Dictionary<TransientReason, int>();

    /// <summary>True when Event Grid should deliver the batch again.</summary>
    public bool NeedsRetry => Outcomes.Transient > 0;
}
