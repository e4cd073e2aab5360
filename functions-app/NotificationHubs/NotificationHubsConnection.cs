using System.Diagnostics.CodeAnalysis;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// The parts of a Notification Hubs connection string. <see cref="ToString"/> never shows the key.
/// </summary>
internal sealed class NotificationHubsConnection
{
    private const string Setting = "NotificationHubs:ConnectionString";
    private const string Expected =
        "expected 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>'";

    private NotificationHubsConnection(Uri endpoint, string keyName, string key)
    {
        Endpoint = endpoint;
        KeyName = keyName;
        Key = key;
    }

    /// <summary>Base address of the namespace, always with a trailing slash (<c>sb://</c> mapped to <c>https://</c>).</summary>
    public Uri Endpoint { get; }

    public string KeyName { get; }

    public string Key { get; }

    public override string ToString() => $"Endpoint={Endpoint};SharedAccessKeyName={KeyName};SharedAccessKey=***";

    /// <summary>Parses a connection string; the error names the setting and the faulty part, never a value.</summary>
    public static bool TryParse(
        string? connectionString,
        [NotNullWhen(true)] out NotificationHubsConnection? connection,
        [NotNullWhen(false)] out string? error)
    {
        connection = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = $"{Setting} is empty; {Expected}.";
            return false;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = segment.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                error = $"{Setting} has a part that is not 'Name=value'; {Expected}.";
                return false;
            }

            // The key is base64 and may end in '=': split on the first '=' only.
            parts[segment[..separator].Trim()] = segment[(separator + 1)..].Trim();
        }

        if (!parts.TryGetValue("Endpoint", out var endpointText) || endpointText.Length == 0)
        {
            error = $"{Setting} has no Endpoint; {Expected}.";
            return false;
        }

        if (!TryMapEndpoint(endpointText, out var endpoint))
        {
            error = $"{Setting} has an Endpoint that is not an absolute sb://, https:// or http:// address; {Expected}.";
            return false;
        }

        if (!parts.TryGetValue("SharedAccessKeyName", out var keyName) || keyName.Length == 0)
        {
            error = $"{Setting} has no SharedAccessKeyName; {Expected}.";
            return false;
        }

        if (!parts.TryGetValue("SharedAccessKey", out var key) || key.Length == 0)
        {
            error = $"{Setting} has no SharedAccessKey; {Expected}.";
            return false;
        }

        connection = new NotificationHubsConnection(endpoint, keyName, key);
        error = null;
        return true;
    }

    /// <summary>Parses a connection string that options validation has already accepted.</summary>
    public static NotificationHubsConnection Parse(string? connectionString) =>
        TryParse(connectionString, out var connection, out var error)
            ? connection
            : throw new InvalidOperationException(error);

    private static bool TryMapEndpoint(string text, [NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) ||
            !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        var builder = new UriBuilder(uri);
        switch (uri.Scheme)
        {
            case "sb":
                // The namespace answers REST calls over HTTPS on the default port.
                builder.Scheme = Uri.UriSchemeHttps;
                builder.Port = -1;
                break;
            case "https" or "http":
                break;
            default:
                return false;
        }

        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        endpoint = builder.Uri;
        return true;
    }
}
