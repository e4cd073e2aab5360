namespace AcsPush.Functions.Idempotency;

/// <summary>
/// Remembers which pushes of an event were delivered, so that Event Grid's at-least-once delivery does not send one
/// twice and a send interrupted by a crash is retried. One record per event holds the state of each format; an event is
/// claimed with a time-limited lease before its pushes are sent, and the results of all formats are recorded in one
/// conditional update after.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims the event for sending <paramref name="formats"/>: acquired (with the formats still to send), already done
    /// in every format, or held by another delivery whose lease has not expired.
    /// </summary>
    Task<EventClaim> ClaimAsync(EventKey key, string eventId, IReadOnlyList<string> formats, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records what became of each format sent under <paramref name="claim"/> and gives the lease up, in one update
    /// conditional on the claim's ETag. Formats left <see cref="FormatState.Pending"/> are sent again by the next
    /// delivery of the event.
    /// </summary>
    Task RecordAsync(EventClaim claim, IReadOnlyDictionary<string, FormatState> results, CancellationToken cancellationToken = default);
}

/// <summary>State of one format of an event in its record.</summary>
public enum FormatState
{
    /// <summary>Not delivered yet (never tried, failed transiently, or the outcome is unknown): the next delivery sends it.</summary>
    Pending,

    /// <summary>The hub accepted the push.</summary>
    Sent,

    /// <summary>The hub refused the push for a reason a retry cannot fix.</summary>
    Rejected,
}

/// <summary>What a claim found.</summary>
public enum ClaimStatus
{
    /// <summary>The caller holds the lease and sends <see cref="EventClaim.ToSend"/>.</summary>
    Acquired,

    /// <summary>Every format is already sent or rejected: nothing to do.</summary>
    AlreadyDone,

    /// <summary>Another delivery holds an active lease: try again later.</summary>
    HeldElsewhere,
}

/// <summary>
/// Result of <see cref="IIdempotencyStore.ClaimAsync"/>. When acquired, <see cref="ToSend"/> lists the formats not yet
/// done, <see cref="Done"/> those an earlier delivery finished, and the lease (<see cref="LeaseId"/>, <see cref="ETag"/>)
/// is what <see cref="IIdempotencyStore.RecordAsync"/> updates.
/// </summary>
public sealed record EventClaim(
    ClaimStatus Status,
    EventKey Key,
    string EventId,
    IReadOnlyList<string> ToSend,
    IReadOnlyDictionary<string, FormatState> Done,
    DateTimeOffset CreatedAt,
    string LeaseId,
    string ETag)
{
    /// <summary>A claim that found every format done.</summary>
    public static EventClaim AlreadyDone(EventKey key, string eventId, IReadOnlyDictionary<string, FormatState> done) =>
        new(ClaimStatus.AlreadyDone, key, eventId, [], done, default, string.Empty, string.Empty);

    /// <summary>A claim that found another delivery's active lease.</summary>
    public static EventClaim HeldElsewhere(EventKey key, string eventId) =>
        new(ClaimStatus.HeldElsewhere, key, eventId, [], new Dictionary<string, FormatState>(), default, string.Empty, string.Empty);
}
