using System.Text;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using Azure.Messaging.EventGrid;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

/// <summary>ACS events shaped like the ones Event Grid delivers, for tests.</summary>
internal static class TestEvents
{
    public const string ChatMessageReceived = "Microsoft.Communication.ChatMessageReceived";
    public const string ChatThreadCreatedWithUser = "Microsoft.Communication.ChatThreadCreatedWithUser";
    public const string ChatParticipantAddedToThreadWithUser = "Microsoft.Communication.ChatParticipantAddedToThreadWithUser";
    public const string ThreadId = "19:acsV1_4fK3yOxu3E6jRRjYv3rRtYgVwGKxRUJb8S5B9sNqNCY1@thread.v2";
    public const string Topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.communication/communicationservices/acs";

    public static string AcsUser(string name) => $"8:acs:9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f_0000001f-{name}";

    public static JsonObject Identifier(string rawId) => rawId switch
    {
        _ when rawId.StartsWith("4:", StringComparison.Ordinal) =>
            new JsonObject { ["rawId"] = rawId, ["phoneNumber"] = new JsonObject { ["value"] = rawId[2..] } },
        _ when rawId.StartsWith("8:orgid:", StringComparison.Ordinal) =>
            new JsonObject { ["rawId"] = rawId, ["microsoftTeamsUser"] = new JsonObject { ["userId"] = rawId[8..], ["isAnonymous"] = false, ["cloud"] = "public" } },
        _ when rawId.StartsWith("8:acs:", StringComparison.Ordinal) =>
            new JsonObject { ["rawId"] = rawId, ["communicationUser"] = new JsonObject { ["id"] = rawId } },
        _ => new JsonObject { ["rawId"] = rawId },
    };

    public static JsonObject MessageData(string recipient, string sender, string body = "Hello!", string? senderName = "Alice", string type = "Text") => new()
    {
        ["messageBody"] = body,
        ["messageId"] = "1700000000001",
        ["senderCommunicationIdentifier"] = Identifier(sender),
        ["senderDisplayName"] = senderName,
        ["composeTime"] = "2026-01-01T10:00:00Z",
        ["type"] = type,
        ["version"] = 1700000000001,
        ["recipientCommunicationIdentifier"] = Identifier(recipient),
        ["transactionId"] = "tx",
        ["threadId"] = ThreadId,
    };

    public static JsonObject ThreadCreatedData(string recipient, string creator, string? creatorName = "Carol", string? topic = "Project sync") => new()
    {
        ["createdByCommunicationIdentifier"] = Identifier(creator),
        ["properties"] = topic is null ? new JsonObject() : new JsonObject { ["topic"] = topic },
        ["participants"] = new JsonArray(
            new JsonObject { ["displayName"] = creatorName, ["participantCommunicationIdentifier"] = Identifier(creator) },
            new JsonObject { ["displayName"] = "Recipient", ["participantCommunicationIdentifier"] = Identifier(recipient) }),
        ["createTime"] = "2026-01-01T10:00:00Z",
        ["version"] = 1700000000000,
        ["recipientCommunicationIdentifier"] = Identifier(recipient),
        ["transactionId"] = "tx",
        ["threadId"] = ThreadId,
    };

    public static JsonObject ParticipantAddedData(string recipient, string added, string addedBy) => new()
    {
        ["time"] = "2026-01-01T10:00:00Z",
        ["addedByCommunicationIdentifier"] = Identifier(addedBy),
        ["participantAdded"] = new JsonObject { ["displayName"] = "Dan", ["participantCommunicationIdentifier"] = Identifier(added) },
        ["createTime"] = "2026-01-01T09:00:00Z",
        ["version"] = 1700000000002,
        ["recipientCommunicationIdentifier"] = Identifier(recipient),
        ["transactionId"] = "tx",
        ["threadId"] = ThreadId,
    };

    public static JsonObject EventGridEnvelope(string id, string eventType, JsonNode data) => new()
    {
        ["id"] = id,
        ["topic"] = Topic,
        ["subject"] = $"thread/{ThreadId}/sender/x/recipient/y",
        ["data"] = data,
        ["eventType"] = eventType,
        ["dataVersion"] = "1.0",
        ["metadataVersion"] = "1",
        ["eventTime"] = "2026-01-01T10:00:00Z",
    };

    public static JsonObject CloudEventEnvelope(string id, string eventType, JsonNode data) => new()
    {
        ["id"] = id,
        ["source"] = Topic,
        ["subject"] = $"thread/{ThreadId}/sender/x/recipient/y",
        ["data"] = data,
        ["type"] = eventType,
        ["specversion"] = "1.0",
        ["time"] = "2026-01-01T10:00:00Z",
        ["datacontenttype"] = "application/json",
    };

    public static string Batch(params JsonNode[] events) => new JsonArray(events.Select(e => e.DeepClone()).ToArray()).ToJsonString();

    /// <summary>The event the webhook's parser reads from one Event Grid event of <paramref name="eventType"/> with <paramref name="data"/>.</summary>
    public static IncomingEvent Incoming(string eventType, JsonNode? data, string id = "ev-1")
    {
        var parsed = EventGridRequestParser.Parse(Encoding.UTF8.GetBytes(Batch(EventGridEnvelope(id, eventType, data?.DeepClone()!))), "application/json");
        return Assert.Single(parsed.Events);
    }

    /// <summary>The typed system data the Event Grid SDK reads from <paramref name="data"/>: an independent reading to compare with.</summary>
    public static object? SdkTyped(string eventType, JsonObject data)
    {
        var parsed = EventGridEvent.ParseMany(BinaryData.FromString(Batch(EventGridEnvelope("e", eventType, data.DeepClone()))));
        return parsed[0].TryGetSystemEventData(out var typed) ? typed : null;
    }
}
