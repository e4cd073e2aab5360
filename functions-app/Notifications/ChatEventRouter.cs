using System.Text.Json;
using Azure.Messaging.EventGrid.SystemEvents;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Notifications;

/// <summary>
/// Decides whether an ACS event becomes a push, to whom and with what text. ACS delivers chat events per
/// recipient (<c>recipientCommunicationIdentifier</c>), so each event yields at most one push.
/// </summary>
public sealed class ChatEventRouter(IOptions<NotificationsOptions> options)
{
    internal const string GenericMessageTitle = "New message";
    internal const string GenericMessageBody = "You have a new message";
    internal const string GenericThreadTitle = "New chat";
    internal const string AddedTitle = "Added to a chat";
    internal const string AddedBody = "You were added to a chat";

    // Identifiers come from ACS; anything longer is not one of theirs and would crowd the 4 KB payload.
    private const int MaxIdLength = 256;
    private const int MaxTitleLength = 100;

    /// <summary>Routes the typed data of one event (from <c>TryGetSystemEventData</c>).</summary>
    public RoutingDecision Route(string eventId, object? systemEventData)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return systemEventData switch
        {
            AcsChatMessageReceivedEventData message => RouteMessage(eventId, message),
            AcsChatThreadCreatedWithUserEventData created => RouteThreadCreated(eventId, created),
            AcsChatParticipantAddedToThreadWithUserEventData added => RouteParticipantAdded(eventId, added),
            _ => RoutingDecision.Skip(SkipReason.UnsupportedEventType),
        };
    }

    private RoutingDecision RouteMessage(string eventId, AcsChatMessageReceivedEventData data)
    {
        if (CheckRecipient(data.RecipientCommunicationIdentifier, data.ThreadId, out var recipient) is { } skip)
        {
            return skip;
        }

        if (CommunicationRecipient.RawIdOf(data.SenderCommunicationIdentifier) == recipient)
        {
            return RoutingDecision.Skip(SkipReason.RecipientIsActor);
        }

        if (data.MessageId is { Length: > MaxIdLength })
        {
            return RoutingDecision.Skip(SkipReason.MissingData);
        }

        var settings = options.Value;
        var title = Title(data.SenderDisplayName) ?? GenericMessageTitle;
        var body = GenericMessageBody;
        if (settings.IncludeMessageText)
        {
            var text = IsHtml(data.Type) ? NotificationText.FromHtml(data.MessageBody) : data.MessageBody;
            var preview = NotificationText.Preview(text, settings.MaxPreviewLength);
            body = preview.Length > 0 ? preview : GenericMessageBody;
        }

        return RoutingDecision.Send(new PushNotification(eventId, recipient!, PushKinds.ChatMessage, title, body, data.ThreadId, data.MessageId));
    }

    private RoutingDecision RouteThreadCreated(string eventId, AcsChatThreadCreatedWithUserEventData data)
    {
        if (CheckRecipient(data.RecipientCommunicationIdentifier, data.ThreadId, out var recipient) is { } skip)
        {
            return skip;
        }

        var creator = CommunicationRecipient.RawIdOf(data.CreatedByCommunicationIdentifier);
        if (creator == recipient)
        {
            return RoutingDecision.Skip(SkipReason.RecipientIsActor);
        }

        var creatorName = Title(data.Participants?
            .FirstOrDefault(p => creator is not null && CommunicationRecipient.RawIdOf(p.ParticipantCommunicationIdentifier) == creator)?
            .DisplayName);
        var topic = options.Value.IncludeMessageText ? Title(TopicOf(data.Properties)) : null;
        var body = creatorName is null ? "You were added to a new chat" : $"{creatorName} started a chat with you";
        return RoutingDecision.Send(new PushNotification(eventId, recipient!, PushKinds.ChatThreadCreated, topic ?? GenericThreadTitle, body, data.ThreadId, null));
    }

    private static RoutingDecision RouteParticipantAdded(string eventId, AcsChatParticipantAddedToThreadWithUserEventData data)
    {
        if (CheckRecipient(data.RecipientCommunicationIdentifier, data.ThreadId, out var recipient) is { } skip)
        {
            return skip;
        }

        // Every member of the thread receives this event; only the member who was added is told.
        if (CommunicationRecipient.RawIdOf(data.ParticipantAdded?.ParticipantCommunicationIdentifier) != recipient)
        {
            return RoutingDecision.Skip(SkipReason.NotAboutRecipient);
        }

        if (CommunicationRecipient.RawIdOf(data.AddedByCommunicationIdentifier) == recipient)
        {
            return RoutingDecision.Skip(SkipReason.RecipientIsActor);
        }

        return RoutingDecision.Send(new PushNotification(eventId, recipient!, PushKinds.AddedToChatThread, AddedTitle, AddedBody, data.ThreadId, null));
    }

    private static RoutingDecision? CheckRecipient(CommunicationIdentifierModel? identifier, string? threadId, out string? rawId)
    {
        rawId = CommunicationRecipient.RawIdOf(identifier);
        if (string.IsNullOrWhiteSpace(threadId) || threadId.Length > MaxIdLength)
        {
            return RoutingDecision.Skip(SkipReason.MissingData);
        }

        return CommunicationRecipient.Classify(identifier) switch
        {
            RecipientKind.CommunicationUser => null,
            RecipientKind.PhoneNumber => RoutingDecision.Skip(SkipReason.PhoneNumberRecipient),
            RecipientKind.MicrosoftTeamsUser => RoutingDecision.Skip(SkipReason.TeamsRecipient),
            RecipientKind.Missing => RoutingDecision.Skip(SkipReason.MissingRecipient),
            _ => RoutingDecision.Skip(SkipReason.UnknownRecipientKind),
        };
    }

    private static string? Title(string? text)
    {
        var title = NotificationText.Preview(text, MaxTitleLength);
        return title.Length == 0 ? null : title;
    }

    private static bool IsHtml(string? messageType) =>
        messageType is not null && messageType.Contains("html", StringComparison.OrdinalIgnoreCase);

    private static string? TopicOf(IReadOnlyDictionary<string, object>? properties)
    {
        if (properties is null || !properties.TryGetValue("topic", out var value))
        {
            return null;
        }

        return value switch
        {
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => null,
        };
    }
}

/// <summary>Why an event produced no push.</summary>
public enum SkipReason
{
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

    /// <summary>The event lacks the data a push needs (thread id), or carries ids that cannot be from ACS.</summary>
    MissingData,
}

/// <summary>Either a push to send or the reason there is none.</summary>
public sealed record RoutingDecision(PushNotification? Push, SkipReason? Reason)
{
    /// <summary>Send <paramref name="push"/>.</summary>
    public static RoutingDecision Send(PushNotification push) => new(push, null);

    /// <summary>Send nothing, for <paramref name="reason"/>.</summary>
    public static RoutingDecision Skip(SkipReason reason) => new(null, reason);
}
