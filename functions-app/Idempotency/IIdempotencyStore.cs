namespace AcsPush.Functions.Idempotency;

/// <summary>
/// Records which pushes were delivered, so that Event Grid's at-least-once delivery never sends one twice and a
/// send interrupted by a crash is retried. A push is claimed with a time-limited lease before it is sent and
/// marked completed after.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>Claims the push identified by <paramref name="key"/> for sending.</summary>
    Task<LeaseResult> TryAcquireAsync(IdempotencyKey key, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed push as finished for good (sent, or rejected by the hub for a reason a retry cannot fix).</summary>
    Task CompleteAsync(PushLease lease, CompletionState state, CancellationToken cancellationToken = default);

    /// <summary>Gives a claimed push back, so that the next delivery of the event sends it.</summary>
    Task ReleaseAsync(PushLease lease, CancellationToken cancellationToken = default);
}

/// <summary>Identity of one push: the event, the recipient's tag and the platform format.</summary>
public sealed record IdempotencyKey(string EventId, string RecipientTag, string Format);

/// <summary>A claim on a push, held until <see cref="Until"/>.</summary>
public sealed record PushLease(IdempotencyKey Key, string LeaseId, DateTimeOffset Until, string ETag);

/// <summary>Final state of a push.</summary>
public enum CompletionState
{
    /// <summary>The hub accepted the push.</summary>
    Sent,

    /// <summary>The hub refused the push for a reason a retry cannot fix.</summary>
    Rejected,
}

/// <summary>What happened when a push was claimed.</summary>
public enum LeaseStatus
{
    /// <summary>The caller holds the lease and must send.</summary>
    Acquired,

    /// <summary>The push was already completed; nothing to do.</summary>
    AlreadyCompleted,

    /// <summary>Another delivery holds an active lease; try again later.</summary>
    HeldElsewhere,
}

/// <summary>Result of <see cref="IIdempotencyStore.TryAcquireAsync"/>; <see cref="Lease"/> is set when acquired.</summary>
public sealed record LeaseResult(LeaseStatus Status, PushLease? Lease = null)
{
    /// <summary>The push was already completed.</summary>
    public static LeaseResult AlreadyCompleted { get; } = new(LeaseStatus.AlreadyCompleted);

    /// <summary>Another delivery holds the push.</summary>
    public static LeaseResult HeldElsewhere { get; } = new(LeaseStatus.HeldElsewhere);
}
