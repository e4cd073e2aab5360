using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>What <see cref="StoreProxy"/> does with traffic.</summary>
internal enum StoreMode
{
    /// <summary>Passes bytes both ways.</summary>
    Forward,

    /// <summary>Keeps connections open and swallows everything: requests go unanswered until the client gives up.</summary>
    BlackHole,

    /// <summary>Closes every connection at once: the store refuses.</summary>
    Refuse,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of Azurite, so a test can make the Table service stop answering
/// (<see cref="StoreMode.BlackHole"/>) or refuse connections (<see cref="StoreMode.Refuse"/>) at any moment,
/// connections already open included.
/// </summary>
internal sealed partial class StoreProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private volatile StoreMode _mode;

    private StoreProxy(string connectionString)
    {
        var match = TableEndpoint().Match(connectionString);
        if (!match.Success)
        {
            throw new InvalidOperationException("The Azurite connection string has no http://127.0.0.1:<port> TableEndpoint.");
        }

        _upstream = new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
        _listener.Start();
        ConnectionString = TableEndpoint().Replace(connectionString, $"TableEndpoint=http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The Azurite connection string, pointed at the proxy.</summary>
    public string ConnectionString { get; }

    public StoreMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    public static StoreProxy Start(string azuriteConnectionString) => new(azuriteConnectionString);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(client);
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        if (_mode == StoreMode.Refuse)
        {
            client.Client.Close(0);
            return;
        }

        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_upstream, _stop.Token);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // a side closed: the connection ends
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        var source = from.GetStream();
        var target = to.GetStream();
        while (true)
        {
            var read = await source.ReadAsync(buffer, _stop.Token);
            if (read == 0 || _mode == StoreMode.Refuse)
            {
                return;
            }

            if (_mode == StoreMode.Forward)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:(?<port>\d+)/")]
    private static partial Regex TableEndpoint();
}
