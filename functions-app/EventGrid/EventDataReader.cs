using System.Text.Json;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Reads the data of the event types this app handles straight from the parsed body, so that a delivery is parsed once.
/// Total by design: a member that is missing, of the wrong type, or a string that cannot be decoded (a lone surrogate
/// escape) reads as absent, and the router then decides what an event without it means. Nothing here throws on content.
/// </summary>
internal static class EventDataReader
{
    /// <summary>The typed data of <paramref name="eventType"/>, or null for types this app does not read or data that is not an object.</summary>
    public static object? Read(string eventType, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return eventType switch
        {
            EventTypes.ChatMessageReceived => new ChatMessageData(
                Identifier(data, "recipientCommunicationIdentifier"),
                Identifier(data, "senderCommunicationIdentifier"),
                String(data, "senderDisplayName"),
                String(data, "threadId"),
                String(data, "messageId"),
                String(data, "type"),
                String(data, "messageBody")),
            EventTypes.ChatThreadCreatedWithUser => new ChatThreadCreatedData(
                Identifier(data, "recipientCommunicationIdentifier"),
                Identifier(data, "createdByCommunicationIdentifier"),
                Participants(data),
                Object(data, "properties") is { } properties ? String(properties, "topic") : null,
                String(data, "threadId")),
            EventTypes.ChatParticipantAddedToThreadWithUser => new ChatParticipantAddedData(
                Identifier(data, "recipientCommunicationIdentifier"),
                Identifier(data, "addedByCommunicationIdentifier"),
                Object(data, "participantAdded") is { } added ? Identifier(added, "participantCommunicationIdentifier") : null,
                String(data, "threadId")),
            EventTypes.SubscriptionValidation => new SubscriptionValidationData(String(data, "validationCode")),
            _ => null,
        };
    }

    /// <summary>The string value of <paramref name="name"/>, or null when absent, not a string, or not decodable.</summary>
    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? StringValue(value) : null;

    /// <summary>The string <paramref name="value"/> holds, or null when it is not a string or not decodable.</summary>
    public static string? StringValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // A \uD800-style escape without its pair: valid JSON, but not text.
            return null;
        }
    }

    private static JsonElement? Object(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static CommunicationIdentifier? Identifier(JsonElement element, string name)
    {
        if (Object(element, name) is not { } identifier)
        {
            return null;
        }

        var communicationUser = Object(identifier, "communicationUser");
        return new CommunicationIdentifier(
            String(identifier, "rawId") ?? (communicationUser is { } user ? String(user, "id") : null),
            communicationUser is not null,
            Object(identifier, "phoneNumber") is not null,
            Object(identifier, "microsoftTeamsUser") is not null);
    }

    private static List<ChatParticipant> Participants(JsonElement data)
    {
        var participants = new List<ChatParticipant>();
        if (data.TryGetProperty("participants", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                // [null] and other non-objects carry no participant: skipped, never dereferenced.
                if (item.ValueKind == JsonValueKind.Object)
                {
                    participants.Add(new ChatParticipant(Identifier(item, "participantCommunicationIdentifier"), String(item, "displayName")));
                }
            }
        }

        return participants;
    }
}
