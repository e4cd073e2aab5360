using System.Text.Json;
using System.Text.Unicode;

namespace AcsPush.Functions.Tests.Fuzz;

/// <summary>
/// The status split docs/function-app.md documents, written down on its own, in the order the checks apply: 400 for an
/// aeg-event-type other than Notification or SubscriptionValidation; 413 for a body over the limit; 400 for an
/// unsupported content type, a body that is not
/// UTF-8 JSON (nesting at most 64 levels), a root that is not an array (an object only as
/// <c>application/cloudevents+json</c>), or a validation request that is not exactly one usable validation event; 200
/// otherwise, while the hub and the store are healthy.
/// </summary>
internal static class DocumentedSplit
{
    public static int Expected(byte[] body, string? contentType, string? eventTypeHeader, int maxBodyBytes)
    {
        var validation = string.Equals(eventTypeHeader, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(eventTypeHeader) && !validation && !string.Equals(eventTypeHeader, "Notification", StringComparison.OrdinalIgnoreCase))
        {
            return 400;
        }

        if (body.Length > maxBodyBytes)
        {
            return 413;
        }

        var mediaType = contentType is null ? "application/json" : contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/json" or "application/cloudevents+json" or "application/cloudevents-batch+json") || !Utf8.IsValid(body))
        {
            return 400;
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            var shapeOk = root.ValueKind == JsonValueKind.Array ? mediaType != "application/cloudevents+json"
                : root.ValueKind == JsonValueKind.Object && mediaType == "application/cloudevents+json";
            if (!shapeOk)
            {
                return 400;
            }

            return !validation || IsOneUsableValidationEvent(root) ? 200 : 400;
        }
        catch (JsonException)
        {
            return 400;
        }
    }

    private static bool IsOneUsableValidationEvent(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != 1 || root[0] is not { ValueKind: JsonValueKind.Object } item)
        {
            return false;
        }

        return !item.TryGetProperty("specversion", out _)
            && Text(item, "id") is { } id && !string.IsNullOrWhiteSpace(id)
            && Text(item, "eventType") == "Microsoft.EventGrid.SubscriptionValidationEvent"
            && item.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && Text(data, "validationCode") is { Length: > 0 and <= 256 };
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
