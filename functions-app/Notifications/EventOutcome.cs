namespace AcsPush.Functions.Notifications;

/// <summary>
/// How an event of a delivery ends: exactly one of these. A delivery is answered 503 (Event Grid retries it) when any of
/// its events is <see cref="Transient"/>, and 200 otherwise.
/// </summary>
public enum EventOutcome
{
    /// <summary>At least one push went out in this delivery and none is left to retry.</summary>
    Sent,

    /// <summary>Every push was delivered by an earlier delivery (or the event repeats one earlier in the same body).</summary>
    Duplicate,

    /// <summary>The event can never become a push, or the hub refused it for good: acknowledged, logged and counted.</summary>
    Rejected,

    /// <summary>Something outside the event failed (hub, storage, deadline): Event Grid should deliver it again.</summary>
    Transient,
}

/// <summary>Why an event was <see cref="EventOutcome.Rejected"/>. Every one follows from the event's content alone.</summary>
public enum RejectReason
{
    /// <summary>No usable id or type, or not an event object: the envelope can never be processed.</summary>
    InvalidEvent,

    /// <summary>A subscription validation event in a notification delivery: only a validation request is answered as one.</summary>
    ValidationOutsideHandshake,

    /// <summary>Not an event type this app turns into pushes.</summary>
    UnsupportedEventType,

    /// <summary>The event names no recipient.</summary>
    MissingRecipient,

    /// <summary>The recipient is a phone number: no app to push to.</summary>
    PhoneNumberRecipient,

    /// <summary>The recipient is a Teams user: Teams notifies its own clients.</summary>
    TeamsRecipient,

    /// <summary>The recipient is of a kind this app has no devices for.</summary>
    UnknownRecipientKind,

    /// <summary>The recipient caused the event (sent the message, created the thread, added the member).</summary>
    RecipientIsActor,

    /// <summary>The event is about another member of the thread.</summary>
    NotAboutRecipient,

    /// <summary>The event lacks the data a push needs (its data, or a thread id).</summary>
    MissingData,

    /// <summary>A thread or message id that cannot be from ACS (see <see cref="AcsIds"/>).</summary>
    InvalidIds,

    /// <summary>The push could not be built from the event (a defect guard: routing bounds every input).</summary>
    Unbuildable,

    /// <summary>The hub refused the push for good (400, 413 or another 4xx that is not about the app's settings).</summary>
    HubRefused,
}

/// <summary>Why an event was <see cref="EventOutcome.Transient"/>. None of these follows from the event's content.</summary>
public enum TransientReason
{
    /// <summary>The delivery's deadline came before the event was started.</summary>
    NotStarted,

    /// <summary>The idempotency store failed or did not answer in time.</summary>
    StoreUnavailable,

    /// <summary>Another delivery of the same event holds its lease.</summary>
    HeldElsewhere,

    /// <summary>The hub failed transiently (408, 429, 5xx, network, timeout), so the push may or may not have gone out.</summary>
    HubUnavailable,

    /// <summary>The hub refused the app itself (401, 403, 404): a settings fault, retried until fixed or dead-lettered.</summary>
    HubMisconfigured,

    /// <summary>The delivery's deadline cut the send short.</summary>
    Deadline,
}

/// <summary>What became of one format's push in one delivery.</summary>
public enum PushResult
{
    /// <summary>Sent or rejected by an earlier delivery; not sent again.</summary>
    AlreadyDone,

    /// <summary>The hub accepted it.</summary>
    Sent,

    /// <summary>The hub refused it for good.</summary>
    Rejected,

    /// <summary>Not delivered now; sent again by the next delivery.</summary>
    Transient,
}

/// <summary>The outcome of one event with the reason for a rejection or a retry.</summary>
public readonly record struct EventResult(EventOutcome Outcome, RejectReason? RejectReason = null, TransientReason? TransientReason = null)
{
    public static EventResult Duplicate { get; } = new(EventOutcome.Duplicate);

    public static EventResult Rejected(RejectReason reason) => new(EventOutcome.Rejected, RejectReason: reason);

    public static EventResult Transient(TransientReason reason) => new(EventOutcome.Transient, TransientReason: reason);

    /// <summary>
    /// The outcome of an event from its pushes, the one rule for every delivery: any push left to retry makes the event
    /// transient (with <paramref name="why"/>); otherwise a push sent now makes it sent; otherwise, all done before makes
    /// it a duplicate; what is left is a refusal by the hub.
    /// </summary>
    public static EventResult FromPushes(IEnumerable<PushResult> pushes, TransientReason why)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        var results = pushes.ToList();
        if (results.Contains(PushResult.Transient))
        {
            return Transient(why);
        }

        if (results.Contains(PushResult.Sent))
        {
            return new EventResult(EventOutcome.Sent);
        }

        return results.All(r => r == PushResult.AlreadyDone) ? Duplicate : Rejected(Notifications.RejectReason.HubRefused);
    }
}
