using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Reads a delivery body into events, parsing it once. Only a body that can never be processed fails (answered 400):
/// an unsupported content type, bytes that are not UTF-8 JSON (or nest deeper than <see cref="MaxDepth"/>), or a root
/// that is not an array of events (a single object only as <c>application/cloudevents+json</c>). Inside an array each
/// event stands on its own: its schema is told from its content (<c>specversion</c>: CloudEvents 1.0; <c>eventType</c>:
/// Event Grid), and an event without a usable id or type is returned with its <see cref="IncomingEvent.Problem"/>, so the
/// others are still processed. Error texts are fixed sentences: nothing from the body is echoed.
/// </summary>
public static class EventGridRequestParser
{
    /// <summary>Deepest nesting accepted; Event Grid and ACS events nest a handful of levels.</summary>
    public const int MaxDepth = 64;

    private const string JsonMediaType = "application/json";
    private const string CloudEventMediaType = "application/cloudevents+json";
    private const string CloudEventBatchMediaType = "application/cloudevents-batch+json";

    /// <summary>Parses <paramref name="body"/> sent with <paramref name="contentType"/> (null when absent).</summary>
    public static ParseResult Parse(ReadOnlyMemory<byte> body, string? contentType)
    {
        var mediaType = MediaTypeOf(contentType);
        if (mediaType is not (JsonMediaType or CloudEventMediaType or CloudEventBatchMediaType))
        {
            return ParseResult.Fail($"The content type is not supported; use {JsonMediaType}, {CloudEventMediaType} or {CloudEventBatchMediaType}.");
        }

        // The parser checks the JSON structure but not the bytes inside strings; a body that is not UTF-8 is refused whole.
        if (!Utf8.IsValid(body.Span))
        {
            return ParseResult.Fail($"The body is not valid UTF-8 JSON (or nests deeper than {MaxDepth} levels).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return ParseResult.Fail($"The body is not valid UTF-8 JSON (or nests deeper than {MaxDepth} levels).");
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object when mediaType == CloudEventMediaType:
                    return ParseResult.Ok([ReadEvent(root, 0)]);
                case JsonValueKind.Object:
                    return ParseResult.Fail($"The body must be a JSON array of events (a single object is accepted only as {CloudEventMediaType}).");
                case JsonValueKind.Array when mediaType == CloudEventMediaType:
                    return ParseResult.Fail($"{CloudEventMediaType} carries a single event; send a batch as {CloudEventBatchMediaType}.");
                case JsonValueKind.Array:
                    var events = new List<IncomingEvent>(root.GetArrayLength());
                    foreach (var element in root.EnumerateArray())
                    {
                        events.Add(ReadEvent(element, events.Count));
                    }

                    return ParseResult.Ok(events);
                default:
                    return ParseResult.Fail("The body must be a JSON array of events.");
            }
        }
    }

    private static IncomingEvent ReadEvent(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return IncomingEvent.Invalid(index, "The event is not a JSON object.");
        }

        if (element.TryGetProperty("specversion", out var specVersion))
        {
            return EventDataReader.StringValue(specVersion) == "1.0"
                ? ReadEnvelope(element, index, EventSchema.CloudEvents, "type")
                : IncomingEvent.Invalid(index, "The event's specversion is not 1.0, the only CloudEvents version supported.", EventSchema.CloudEvents);
        }

        return element.TryGetProperty("eventType", out _)
            ? ReadEnvelope(element, index, EventSchema.EventGrid, "eventType")
            : IncomingEvent.Invalid(index, "The event has neither 'eventType' (Event Grid schema) nor 'specversion' (CloudEvents 1.0).");
    }

    // Only what the app uses is required: the id (the de-duplication key) and the type (the route).
    private static IncomingEvent ReadEnvelope(JsonElement element, int index, EventSchema schema, string typeMember)
    {
        var id = EventDataReader.String(element, "id");
        var eventType = EventDataReader.String(element, typeMember);
        if (string.IsNullOrWhiteSpace(id))
        {
            return IncomingEvent.Invalid(index, "The event has no 'id' that is a non-blank string.", schema, eventType: eventType);
        }

        if (string.IsNullOrWhiteSpace(eventType))
        {
            return IncomingEvent.Invalid(index, $"The event has no '{typeMember}' that is a non-blank string.", schema, id);
        }

        var data = element.TryGetProperty("data", out var value) ? EventDataReader.Read(eventType, value) : null;
        return new IncomingEvent { Index = index, Schema = schema, Id = id, EventType = eventType, Data = data };
    }

    // A missing Content-Type is read as JSON: the schema is told from the content anyway.
    private static string? MediaTypeOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return JsonMediaType;
        }

        return MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue
            ? parsed.MediaType.Value!.ToLowerInvariant()
            : null;
    }
}

/// <summary>Result of <see cref="EventGridRequestParser.Parse"/>: the events, or why the body can never be processed.</summary>
public sealed record ParseResult(IReadOnlyList<IncomingEvent> Events, string? Error)
{
    /// <summary>True when the body was read.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A body that was read.</summary>
    public static ParseResult Ok(IReadOnlyList<IncomingEvent> events) => new(events, null);

    /// <summary>A body that can never be processed.</summary>
    public static ParseResult Fail(string error) => new([], error);
}
