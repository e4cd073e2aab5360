using AcsPush.Functions.EventGrid;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Decides whether an event becomes a push, to whom and with what text. ACS delivers chat events per recipient
/// (<c>recipientCommunicationIdentifier</c>), so each event yields at most one push. Pure: the same event always gets
/// the same decision, so an event refused here is refused for good.
/// </summary>
public sealed class ChatEventRouter(IOptions<NotificationsOptions> options)
{
    internal const string GenericMessageTitle = "New message";
    internal const string GenericMessageBody = "You have a new message";
    internal const string GenericThreadTitle = "New chat";
    internal const string AddedTitle = "Added to a chat";
    internal const string AddedBody = "You were added to a chat";

    private const int MaxTitleLength = 100;

    /// <summary>Routes one event of a delivery.</summary>
    public RoutingDecision Route(IncomingEvent incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.Problem is not null)
        {
            return RoutingDecision.Reject(RejectReason.InvalidEvent);
        }

        return incoming.Data switch
        {
            ChatMessageData message => RouteMessage(incoming, message),
            ChatThreadCreatedData created => RouteThreadCreated(incoming, created),
            ChatParticipantAddedData added => RouteParticipantAdded(incoming, added),
            _ when incoming.EventType is EventTypes.ChatMessageReceived or EventTypes.ChatThreadCreatedWithUser
                or EventTypes.ChatParticipantAddedToThreadWithUser => RoutingDecision.Reject(RejectReason.MissingData),
            _ when incoming.EventType == EventTypes.SubscriptionValidation => RoutingDecision.Reject(RejectReason.ValidationOutsideHandshake),
            _ => RoutingDecision.Reject(RejectReason.UnsupportedEventType),
        };
    }

    private RoutingDecision RouteMessage(IncomingEvent incoming, ChatMessageData data)
    {
        if (CheckRecipient(data.Recipient, data.ThreadId, out var recipient) is { } reject)
        {
            return reject;
        }

        if (CommunicationRecipient.RawIdOf(data.Sender) == recipient)
        {
            return RoutingDecision.Reject(RejectReason.RecipientIsActor);
        }

        if (data.MessageId is not null && !AcsIds.IsValid(data.MessageId))
        {
            return RoutingDecision.Reject(RejectReason.InvalidIds);
        }

        var settings = options.Value;
        var title = Title(data.SenderDisplayName) ?? GenericMessageTitle;
        var body = GenericMessageBody;
        if (settings.IncludeMessageText)
        {
            var text = IsHtml(data.MessageType) ? NotificationText.FromHtml(data.MessageBody) : data.MessageBody;
            var preview = NotificationText.Preview(text, settings.MaxPreviewLength);
            body = preview.Length > 0 ? preview : GenericMessageBody;
        }

        return Send(incoming, recipient!, PushKinds.ChatMessage, title, body, data.ThreadId!, data.MessageId);
    }

    private RoutingDecision RouteThreadCreated(IncomingEvent incoming, ChatThreadCreatedData data)
    {
        if (CheckRecipient(data.Recipient, data.ThreadId, out var recipient) is { } reject)
        {
            return reject;
        }

        var creator = CommunicationRecipient.RawIdOf(data.CreatedBy);
        if (creator == recipient)
        {
            return RoutingDecision.Reject(RejectReason.RecipientIsActor);
        }

        var creatorName = creator is null
            ? null
            : Title(data.Participants.FirstOrDefault(p => CommunicationRecipient.RawIdOf(p.Identifier) == creator)?.DisplayName);
        var topic = options.Value.IncludeMessageText ? Title(data.Topic) : null;
        var body = creatorName is null ? "You were added to a new chat" : $"{creatorName} started a chat with you";
        return Send(incoming, recipient!, PushKinds.ChatThreadCreated, topic ?? GenericThreadTitle, body, data.ThreadId!, null);
    }

    private static RoutingDecision RouteParticipantAdded(IncomingEvent incoming, ChatParticipantAddedData data)
    {
        if (CheckRecipient(data.Recipient, data.ThreadId, out var recipient) is { } reject)
        {
            return reject;
        }

        // Every member of the thread receives this event; only the member who was added is told.
        if (CommunicationRecipient.RawIdOf(data.ParticipantAdded) != recipient)
        {
            return RoutingDecision.Reject(RejectReason.NotAboutRecipient);
        }

        if (CommunicationRecipient.RawIdOf(data.AddedBy) == recipient)
        {
            return RoutingDecision.Reject(RejectReason.RecipientIsActor);
        }

        return Send(incoming, recipient!, PushKinds.AddedToChatThread, AddedTitle, AddedBody, data.ThreadId!, null);
    }

    private static RoutingDecision Send(IncomingEvent incoming, string recipient, string kind, string title, string body, string threadId, string? messageId) =>
        RoutingDecision.Send(new PushNotification(incoming.Id, incoming.Key, recipient, kind, title, body, threadId, messageId));

    private static RoutingDecision? CheckRecipient(CommunicationIdentifier? identifier, string? threadId, out string? rawId)
    {
        rawId = CommunicationRecipient.RawIdOf(identifier);
        if (string.IsNullOrWhiteSpace(threadId))
        {
            return RoutingDecision.Reject(RejectReason.MissingData);
        }

        if (!AcsIds.IsValid(threadId))
        {
            return RoutingDecision.Reject(RejectReason.InvalidIds);
        }

        return CommunicationRecipient.Classify(identifier) switch
        {
            RecipientKind.CommunicationUser => null,
            RecipientKind.PhoneNumber => RoutingDecision.Reject(RejectReason.PhoneNumberRecipient),
            RecipientKind.MicrosoftTeamsUser => RoutingDecision.Reject(RejectReason.TeamsRecipient),
            RecipientKind.Missing => RoutingDecision.Reject(RejectReason.MissingRecipient),
            _ => RoutingDecision.Reject(RejectReason.UnknownRecipientKind),
        };
    }

    private static string? Title(string? text)
    {
        var title = NotificationText.Preview(text, MaxTitleLength);
        return title.Length == 0 ? null : title;
    }

    private static bool IsHtml(string? messageType) =>
        messageType is not null && messageType.Contains("html", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Thread and message ids as ACS makes them (for example <c>19:abc_def@thread.v2</c>, <c>1764370000001</c>): 1-256
/// characters that JSON never escapes. Anything else cannot be an ACS id, and bounding them is what lets every payload
/// fit in 4 KB whatever the rest of the event holds.
/// </summary>
public static class AcsIds
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Whether <paramref name="id"/> has the shape of an ACS thread or message id.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '~' or '=' or '/' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Either a push to send or the reason there is none.</summary>
public sealed record RoutingDecision(PushNotification? Push, RejectReason? Reason)
{
    /// <summary>Send <paramref name="push"/>.</summary>
    public static RoutingDecision Send(PushNotification push) => new(push, null);

    /// <summary>Send nothing, for <paramref name="reason"/>.</summary>
    public static RoutingDecision Reject(RejectReason reason) => new(null, reason);
}
