using System.Net;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// The Table service endpoint named in a connection string, and the same connection string pointed at the delay
/// proxy instead. Only the endpoint is ever shown: the rest of a connection string may hold an account key.
/// </summary>
internal sealed record TableEndpoint(Uri Endpoint, IPEndPoint Target)
{
    private const string Key = "TableEndpoint";

    public static TableEndpoint Parse(string connectionString)
    {
        var value = Parts(connectionString).FirstOrDefault(part => part.Name.Equals(Key, StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException(
                "--tables must name an http TableEndpoint (the store delay proxy passes plain TCP), for example " +
                "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1 with the account's name and key.");
        }

        var address = endpoint.IsLoopback ? IPAddress.Loopback : Dns.GetHostAddresses(endpoint.Host).First();
        return new TableEndpoint(endpoint, new IPEndPoint(address, endpoint.Port));
    }

    /// <summary><paramref name="connectionString"/> with its TableEndpoint on 127.0.0.1:<paramref name="proxyPort"/>.</summary>
    public string ThroughProxy(string connectionString, int proxyPort)
    {
        var proxied = new UriBuilder(Endpoint) { Host = "127.0.0.1", Port = proxyPort }.Uri.ToString().TrimEnd('/');
        return string.Join(';', Parts(connectionString).Select(part =>
            part.Name.Equals(Key, StringComparison.OrdinalIgnoreCase) ? $"{Key}={proxied}" : $"{part.Name}={part.Value}")) + ";";
    }

    public override string ToString() => Endpoint.ToString();

    private static IEnumerable<(string Name, string Value)> Parts(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .Select(pair => (pair[0], pair[1]));
}
