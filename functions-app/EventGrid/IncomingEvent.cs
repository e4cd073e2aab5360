using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace AcsPush.Functions.EventGrid;

/// <summary>Envelope format of a delivery.</summary>
public enum EventSchema
{
    /// <summary>Event Grid schema: a JSON array of events with <c>eventType</c>.</summary>
    EventGrid,

    /// <summary>CloudEvents 1.0: one event or an array of events with <c>specversion</c>.</summary>
    CloudEvents,
}

/// <summary>One delivered event in either schema, with typed access to its ACS system data.</summary>
public sealed class IncomingEvent
{
    private readonly EventGridEvent? _eventGridEvent;
    private readonly CloudEvent? _cloudEvent;

    /// <summary>Wraps an Event Grid schema event.</summary>
    public IncomingEvent(EventGridEvent eventGridEvent)
    {
        ArgumentNullException.ThrowIfNull(eventGridEvent);
        _eventGridEvent = eventGridEvent;
        Id = eventGridEvent.Id;
        EventType = eventGridEvent.EventType;
    }

    /// <summary>Wraps a CloudEvent.</summary>
    public IncomingEvent(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        _cloudEvent = cloudEvent;
        Id = cloudEvent.Id;
        EventType = cloudEvent.Type;
    }

    /// <summary>Event id; Event Grid keeps it across redeliveries, so it is the de-duplication key.</summary>
    public string Id { get; }

    /// <summary>Event type, for example <c>Microsoft.Communication.ChatMessageReceived</c>.</summary>
    public string EventType { get; }

    /// <summary>
    /// The typed system event data (for example <c>AcsChatMessageReceivedEventData</c>); false for unknown
    /// types and for data that does not match its type's shape.
    /// </summary>
    public bool TryGetSystemEventData(out object? data)
    {
        data = null;
        try
        {
            return _eventGridEvent is not null
                ? _eventGridEvent.TryGetSystemEventData(out data)
                : _cloudEvent!.TryGetSystemEventData(out data);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException)
        {
            data = null;
            return false;
        }
    }
}
