using System.Text.Json;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// An installation as the hub returns it from <c>GET {hub}/installations/{id}</c>: the parts this app reads. The
/// platform is kept as the hub spells it (<c>apns</c>, <c>fcmv1</c>, or a platform this app never registers).
/// </summary>
public sealed record StoredInstallation(string InstallationId, string Platform, IReadOnlyList<string> Tags)
{
    /// <summary>Reads the hub's JSON; a body that is not an installation is a hub fault, reported as such.</summary>
    internal static StoredInstallation Parse(string? json, string requestedId)
    {
        try
        {
            using var document = JsonDocument.Parse(json ?? string.Empty);
            var root = document.RootElement;
            var tags = root.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                : [];
            return new StoredInstallation(
                Text(root, "installationId") ?? requestedId,
                Text(root, "platform") ?? string.Empty,
                tags);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw new NotificationHubsException(
                $"Notification Hubs installation GET answered 200 with a body that is not an installation ({exception.Message}).",
                200,
                trackingId: null,
                isTransient: false,
                exception);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
