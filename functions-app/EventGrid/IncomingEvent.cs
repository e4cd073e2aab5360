using AcsPush.Functions.Idempotency;

namespace AcsPush.Functions.EventGrid;

/// <summary>Envelope format of an event.</summary>
public enum EventSchema
{
    /// <summary>Event Grid schema: an object with <c>eventType</c>.</summary>
    EventGrid,

    /// <summary>CloudEvents 1.0: an object with <c>specversion</c>.</summary>
    CloudEvents,
}

/// <summary>
/// One event of a delivery as read from the body, in either schema: its id and type and, for the types this app
/// handles, its data. An event that can never be processed (no usable id or type) carries the <see cref="Problem"/>
/// instead; it is acknowledged as rejected, and the rest of the delivery goes on.
/// </summary>
public sealed class IncomingEvent
{
    /// <summary>Position of the event in the delivery, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>Envelope format the event was read as; null when it is neither.</summary>
    public EventSchema? Schema { get; init; }

    /// <summary>Event id (non-blank when <see cref="Problem"/> is null); Event Grid keeps it across redeliveries.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>Event type, for example <c>Microsoft.Communication.ChatMessageReceived</c>.</summary>
    public string EventType { get; init; } = string.Empty;

    /// <summary>The data of a type this app reads (<see cref="ChatMessageData"/>, …); null for other types or unreadable data.</summary>
    public object? Data { get; init; }

    /// <summary>Why the event can never be processed (a fixed text that repeats nothing from the event), or null.</summary>
    public string? Problem { get; init; }

    /// <summary>The key of the event's idempotency record and pushes, derived from <see cref="Id"/>.</summary>
    public EventKey Key => EventKey.For(Id);

    /// <summary>An event that can never be processed.</summary>
    public static IncomingEvent Invalid(int index, string problem, EventSchema? schema = null, string? id = null, string? eventType = null) =>
        new() { Index = index, Schema = schema, Id = id ?? string.Empty, EventType = eventType ?? string.Empty, Problem = problem };
}

/// <summary>
/// A communication identifier as ACS events carry it: the raw id (or the communication user's id) and which typed
/// member was present.
/// </summary>
public sealed record CommunicationIdentifier(string? RawId, bool IsCommunicationUser, bool IsPhoneNumber, bool IsMicrosoftTeamsUser);

/// <summary>A chat participant of a thread-created event.</summary>
public sealed record ChatParticipant(CommunicationIdentifier? Identifier, string? DisplayName);

/// <summary>Data of <c>Microsoft.Communication.ChatMessageReceived</c>, the members this app reads.</summary>
public sealed record ChatMessageData(
    CommunicationIdentifier? Recipient,
    CommunicationIdentifier? Sender,
    string? SenderDisplayName,
    string? ThreadId,
    string? MessageId,
    string? MessageType,
    string? MessageBody);

/// <summary>Data of <c>Microsoft.Communication.ChatThreadCreatedWithUser</c>, the members this app reads.</summary>
public sealed record ChatThreadCreatedData(
    CommunicationIdentifier? Recipient,
    CommunicationIdentifier? CreatedBy,
    IReadOnlyList<ChatParticipant> Participants,
    string? Topic,
    string? ThreadId);

/// <summary>Data of <c>Microsoft.Communication.ChatParticipantAddedToThreadWithUser</c>, the members this app reads.</summary>
public sealed record ChatParticipantAddedData(
    CommunicationIdentifier? Recipient,
    CommunicationIdentifier? AddedBy,
    CommunicationIdentifier? ParticipantAdded,
    string? ThreadId);

/// <summary>Data of <c>Microsoft.EventGrid.SubscriptionValidationEvent</c>.</summary>
public sealed record SubscriptionValidationData(string? ValidationCode);

/// <summary>Event types this app reads.</summary>
public static class EventTypes
{
    public const string ChatMessageReceived = "Microsoft.Communication.ChatMessageReceived";
    public const string ChatThreadCreatedWithUser = "Microsoft.Communication.ChatThreadCreatedWithUser";
    public const string ChatParticipantAddedToThreadWithUser = "Microsoft.Communication.ChatParticipantAddedToThreadWithUser";
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";
}
