using AcsPush.Functions.Idempotency;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// One platform-neutral push for one ACS user, derived from one event. <see cref="EventId"/> identifies it for
/// de-duplication through its <see cref="Key"/>, <see cref="CollapseId"/> (derived from the same key) lets a device
/// replace a duplicate instead of showing it twice, and <see cref="Kind"/> tells the app what happened (sent as
/// <c>type</c> in the payload).
/// </summary>
public sealed record PushNotification(
    string EventId,
    EventKey Key,
    string RecipientRawId,
    string Kind,
    string Title,
    string Body,
    string ThreadId,
    string? MessageId)
{
    /// <summary>The collapse identity of every push of the event (<see cref="EventKey.CollapseId"/>).</summary>
    public string CollapseId => Key.CollapseId;
}

/// <summary>Values of <see cref="PushNotification.Kind"/>.</summary>
public static class PushKinds
{
    /// <summary>A chat message arrived.</summary>
    public const string ChatMessage = "chatMessage";

    /// <summary>A chat thread was created with the recipient in it.</summary>
    public const string ChatThreadCreated = "chatThreadCreated";

    /// <summary>The recipient was added to an existing chat thread.</summary>
    public const string AddedToChatThread = "addedToChatThread";
}
