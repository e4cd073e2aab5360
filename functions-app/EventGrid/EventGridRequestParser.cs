using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Microsoft.Net.Http.Headers;

namespace AcsPush.Functions.EventGrid;

/// <summary>
/// Reads a delivery body into events. The schema is told from the content: Event Grid events carry
/// <c>eventType</c>, CloudEvents carry <c>specversion</c>. A body that breaks the envelope rules can never be
/// processed, so it is reported as a failure and answered 400.
/// </summary>
public static class EventGridRequestParser
{
    private const string JsonMediaType = "application/json";
    private const string CloudEventMediaType = "application/cloudevents+json";
    private const string CloudEventBatchMediaType = "application/cloudevents-batch+json";

    private static readonly string[] EventGridRequired = ["id", "eventType", "eventTime"];

    // Present as strings but may be empty: Event Grid's own subscription validation event has "subject": "".
    private static readonly string[] EventGridRequiredMayBeEmpty = ["subject", "dataVersion"];
    private static readonly string[] CloudEventRequired = ["id", "type", "source", "specversion"];

    /// <summary>Parses <paramref name="body"/> sent with <paramref name="contentType"/> (null when absent).</summary>
    public static ParseResult Parse(BinaryData body, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        var mediaType = MediaTypeOf(contentType);
        if (mediaType is not (JsonMediaType or CloudEventMediaType or CloudEventBatchMediaType))
        {
            return ParseResult.Fail($"The content type is not supported; use application/json, {CloudEventMediaType} or {CloudEventBatchMediaType}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return ParseResult.Fail("The body is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (mediaType != CloudEventMediaType)
                {
                    return ParseResult.Fail($"The body must be a JSON array of events (a single object is accepted only as {CloudEventMediaType}).");
                }

                return CheckEnvelope(root, 0, EventSchema.CloudEvents) is { } objectError
                    ? ParseResult.Fail(objectError)
                    : ParseTyped(body, EventSchema.CloudEvents);
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return ParseResult.Fail("The body must be a JSON array of events.");
            }

            if (mediaType == CloudEventMediaType)
            {
                return ParseResult.Fail($"{CloudEventMediaType} carries a single event; send a batch as {CloudEventBatchMediaType}.");
            }

            if (root.GetArrayLength() == 0)
            {
                return ParseResult.Ok(EventSchema.EventGrid, []);
            }

            EventSchema? schema = null;
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    return ParseResult.Fail($"Event {index} is not a JSON object.");
                }

                var elementSchema = element.TryGetProperty("specversion", out _) ? EventSchema.CloudEvents
                    : element.TryGetProperty("eventType", out _) ? EventSchema.EventGrid
                    : (EventSchema?)null;
                if (elementSchema is null)
                {
                    return ParseResult.Fail($"Event {index} has neither 'eventType' (Event Grid schema) nor 'specversion' (CloudEvents).");
                }

                schema ??= elementSchema;
                if (schema != elementSchema)
                {
                    return ParseResult.Fail("A batch must not mix Event Grid schema and CloudEvents.");
                }

                if (CheckEnvelope(element, index, schema.Value) is { } error)
                {
                    return ParseResult.Fail(error);
                }

                index++;
            }

            if (schema == EventSchema.EventGrid && mediaType == CloudEventBatchMediaType)
            {
                return ParseResult.Fail($"{CloudEventBatchMediaType} must carry CloudEvents.");
            }

            return ParseTyped(body, schema!.Value);
        }
    }

    private static string? CheckEnvelope(JsonElement element, int index, EventSchema schema)
    {
        foreach (var name in schema == EventSchema.EventGrid ? EventGridRequired : CloudEventRequired)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(value.GetString()))
            {
                return $"Event {index} lacks the required string field '{name}'.";
            }
        }

        if (schema == EventSchema.EventGrid)
        {
            foreach (var name in EventGridRequiredMayBeEmpty)
            {
                if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
                {
                    return $"Event {index} lacks the required string field '{name}' (it may be empty).";
                }
            }
        }

        if (schema == EventSchema.CloudEvents && element.GetProperty("specversion").GetString() != "1.0")
        {
            return $"Event {index} has specversion '{element.GetProperty("specversion").GetString()}'; only CloudEvents 1.0 is supported.";
        }

        return null;
    }

    private static ParseResult ParseTyped(BinaryData body, EventSchema schema)
    {
        try
        {
            IReadOnlyList<IncomingEvent> events = schema == EventSchema.EventGrid
                ? EventGridEvent.ParseMany(body).Select(e => new IncomingEvent(e)).ToArray()
                : CloudEvent.ParseMany(body).Select(e => new IncomingEvent(e)).ToArray();
            return ParseResult.Ok(schema, events);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return ParseResult.Fail("An event does not follow the " + (schema == EventSchema.EventGrid ? "Event Grid" : "CloudEvents 1.0") + " schema.");
        }
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

/// <summary>Result of <see cref="EventGridRequestParser.Parse"/>: events, or the reason the body is unusable.</summary>
public sealed record ParseResult(EventSchema Schema, IReadOnlyList<IncomingEvent> Events, string? Error)
{
    /// <summary>True when the body was read.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A body that was read.</summary>
    public static ParseResult Ok(EventSchema schema, IReadOnlyList<IncomingEvent> events) => new(schema, events, null);

    /// <summary>A body that can never be processed.</summary>
    public static ParseResult Fail(string error) => new(EventSchema.EventGrid, [], error);
}
