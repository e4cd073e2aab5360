using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AcsPush.Functions.Benchmarks;

/// <summary>One ACS chat event as Event Grid would post it, and the recipient it names.</summary>
internal sealed record ChatEvent(string Id, string Recipient, byte[] Json);

/// <summary>
/// One generated delivery: the body Event Grid would post, the events seen for the first time (each must be pushed
/// once in each format) and the events that repeat ones already handled (none may be pushed again).
/// </summary>
internal sealed record Delivery(byte[] Body, string ContentType, IReadOnlyList<ChatEvent> Fresh, IReadOnlyList<ChatEvent> Redelivered)
{
    public int Events => Fresh.Count + Redelivered.Count;
}

/// <summary>
/// Builds deliveries of <c>Microsoft.Communication.ChatMessageReceived</c> events shaped like ACS's own. A fresh
/// event has a new id and a new recipient. A share of every delivery repeats, byte for byte, events that an
/// earlier delivery handled, spread evenly through the body, as Event Grid's at-least-once delivery does;
/// over many single-event deliveries the share is kept on average.
/// </summary>
internal sealed class ChatDeliveries(DeliverySchema schema, int redeliveredPercent)
{
    private const string AcsResource = "9f2c5a3e-6f1b-4c55-9a55-2a3b1c0d9e8f";
    private const string Sender = "8:acs:" + AcsResource + "_0000001f-a11c-4e00-8000-000000000001";
    private const string ThreadId = "19:acsV1_4fK3yOxu3E6jRRjYv3rRtYgVwGKxRUJb8S5B9sNqNCY1@thread.v2";
    private const string Source = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-chat/providers/microsoft.communication/communicationservices/acs-chat";
    private const string EventType = "Microsoft.Communication.ChatMessageReceived";

    // Handled events not repeated yet; each is redelivered at most once.
    private readonly Queue<ChatEvent> _handled = new();
    private double _owed;
    private long _counter;

    public DeliverySchema Schema => schema;

    public string ContentType => schema == DeliverySchema.EventGrid ? "application/json" : "application/cloudevents-batch+json";

    /// <summary>A delivery of <paramref name="size"/> events, the set share of them repeated when enough were handled.</summary>
    public Delivery Next(int size)
    {
        _owed += size * redeliveredPercent / 100.0;
        var repeatCount = (int)_owed;
        _owed -= repeatCount;
        repeatCount = Math.Min(Math.Min(repeatCount, _handled.Count), size);

        var events = new ChatEvent[size];
        var repeated = new List<ChatEvent>(repeatCount);
        for (var k = 0; k < repeatCount; k++)
        {
            var position = (int)((k + 0.5) * size / repeatCount);
            events[position] = _handled.Dequeue();
            repeated.Add(events[position]);
        }

        var fresh = new List<ChatEvent>(size - repeatCount);
        for (var i = 0; i < size; i++)
        {
            if (events[i] is null)
            {
                events[i] = NewEvent();
                fresh.Add(events[i]);
            }
        }

        var body = new ArrayBufferWriter<byte>(events.Sum(e => e.Json.Length + 1) + 2);
        body.Write("["u8);
        for (var i = 0; i < size; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(events[i].Json);
        }

        body.Write("]"u8);
        return new Delivery(body.WrittenSpan.ToArray(), ContentType, fresh, repeated);
    }

    /// <summary>Records that <paramref name="delivery"/> was handled, so its fresh events may be redelivered later.</summary>
    public void Handled(Delivery delivery)
    {
        foreach (var chatEvent in delivery.Fresh)
        {
            _handled.Enqueue(chatEvent);
        }

        while (_handled.Count > 2 * BenchmarkOptions.MaxBatchSize)
        {
            _handled.Dequeue();
        }
    }

    /// <summary>Size in bytes of one generated event, for the request body limit.</summary>
    public static int EventBytes(DeliverySchema schema) => new ChatDeliveries(schema, 0).NewEvent().Json.Length;

    private ChatEvent NewEvent()
    {
        var index = Interlocked.Increment(ref _counter);
        var id = Guid.NewGuid().ToString();
        var recipient = $"8:acs:{AcsResource}_{Guid.NewGuid()}";
        var buffer = new ArrayBufferWriter<byte>(1536);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteEvent(json, id, recipient, DateTimeOffset.UtcNow, index);
        }

        return new ChatEvent(id, recipient, buffer.WrittenSpan.ToArray());
    }

    private void WriteEvent(Utf8JsonWriter json, string id, string recipient, DateTimeOffset now, long index)
    {
        var messageId = (1764370000000L + index).ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString(schema == DeliverySchema.EventGrid ? "topic" : "source", Source);
        json.WriteString("subject", $"thread/{ThreadId}/sender/{Sender}/recipient/{recipient}");

        json.WriteStartObject("data");
        json.WriteString("messageBody", $"Lunch at noon? Message {index} of the run, with enough text to look like a real one.");
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
