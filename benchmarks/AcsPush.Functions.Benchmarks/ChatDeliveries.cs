using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AcsPush.Functions.Benchmarks;

/// <summary>One generated delivery: the body Event Grid would post and the recipients it names.</summary>
internal sealed record Delivery(byte[] Body, string ContentType, IReadOnlyList<string> Recipients);

/// <summary>
/// Builds deliveries of <c>Microsoft.Communication.ChatMessageReceived</c> events shaped like ACS's own, each
/// with a new event id and a new recipient, so nothing in a run is deduplicated.
/// </summary>
internal static class ChatDeliveries
{
    private const string AcsResource = "9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f";
    private const string Sender = "8:acs:" + AcsResource + "_0000001f-a11c-4e00-8000-000000000001";
    private const string ThreadId = "19:acsV1_4fK3yOxu3E6jRRjYv3rRtYgVwGKxRUJb8S5B9sNqNCY1@thread.v2";
    private const string Source = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-chat/providers/microsoft.communication/communicationservices/acs-chat";
    private const string EventType = "Microsoft.Communication.ChatMessageReceived";

    public static Delivery Create(DeliverySchema schema, int count)
    {
        var recipients = new string[count];
        var buffer = new ArrayBufferWriter<byte>(count * 1536);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < count; i++)
            {
                recipients[i] = $"8:acs:{AcsResource}_{Guid.NewGuid()}";
                WriteEvent(json, schema, Guid.NewGuid().ToString(), recipients[i], now, i);
            }

            json.WriteEndArray();
        }

        var contentType = schema == DeliverySchema.EventGrid ? "application/json" : "application/cloudevents-batch+json";
        return new Delivery(buffer.WrittenSpan.ToArray(), contentType, recipients);
    }

    private static void WriteEvent(Utf8JsonWriter json, DeliverySchema schema, string id, string recipient, DateTimeOffset now, int index)
    {
        var messageId = (1764370000000L + index).ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString(schema == DeliverySchema.EventGrid ? "topic" : "source", Source);
        json.WriteString("subject", $"thread/{ThreadId}/sender/{Sender}/recipient/{recipient}");

        json.WriteStartObject("data");
        json.WriteString("messageBody", $"Lunch at noon? Message {index} of the batch, with enough text to look like a real one.");
        json.WriteString("messageId", messageId);
        WriteIdentifier(json, "senderCommunicationIdentifier", Sender);
        json.WriteString("senderDisplayName", "Alice");
        json.WriteString("composeTime", now);
        json.WriteString("type", "Text");
        json.WriteNumber("version", 1764370000000L + index);
        WriteIdentifier(json, "recipientCommunicationIdentifier", recipient);
        json.WriteString("transactionId", "Jh3sAQ0AAAA");
        json.WriteString("threadId", ThreadId);
        json.WriteEndObject();

        if (schema == DeliverySchema.EventGrid)
        {
            json.WriteString("eventType", EventType);
            json.WriteString("dataVersion", "1.0");
            json.WriteString("metadataVersion", "1");
            json.WriteString("eventTime", now);
        }
        else
        {
            json.WriteString("type", EventType);
            json.WriteString("specversion", "1.0");
            json.WriteString("time", now);
            json.WriteString("datacontenttype", "application/json");
        }

        json.WriteEndObject();
    }

    private static void WriteIdentifier(Utf8JsonWriter json, string name, string rawId)
    {
        json.WriteStartObject(name);
        json.WriteString("rawId", rawId);
        json.WriteStartObject("communicationUser");
        json.WriteString("id", rawId);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
