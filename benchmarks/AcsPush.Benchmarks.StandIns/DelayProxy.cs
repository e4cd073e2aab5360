using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace AcsPush.Benchmarks.StandIns;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the Table storage emulator that holds every byte from the client for
/// <see cref="Latency"/> before passing it on, as a network and a remote service would: each request reaches the
/// store that much later, whatever else is in flight, and answers flow back at once. It knows nothing of HTTP, so
/// it adds the latency and almost no work of its own.
/// </summary>
internal sealed class DelayProxy : IStandIn
{
    private const int ChunkBytes = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private long _latencyTicks;

    private DelayProxy(TcpListener listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan Latency
    {
        get => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, (long)(value.TotalSeconds * Stopwatch.Frequency));
    }

    public static DelayProxy Start(IReadOnlyDictionary<string, string> options)
    {
        var target = options.GetValueOrDefault("--target") is { } text && IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port > 0
            ? endPoint
            : throw new ArgumentException("store-proxy needs --target <address>:<port>, for example 127.0.0.1:10002.");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var proxy = new DelayProxy(listener, target);
        _ = proxy.AcceptAsync();
        return proxy;
    }

    public string? Command(string name) => null;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var store = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            client.NoDelay = true;
            store.NoDelay = true;
            try
            {
                await store.ConnectAsync(_target, _stop.Token);
                await Task.WhenAll(ForwardDelayedAsync(client, store), ForwardAsync(store, client));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A closed connection ends its relay; the client sees the close as it would from the store.
            }
        }
    }

    private async Task ForwardDelayedAsync(Socket from, Socket to)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Buffer, int Length)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = WriteWhenDueAsync(queue.Reader, to);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                queue.Writer.TryWrite((Stopwatch.GetTimestamp() + Interlocked.Read(ref _latencyTicks), buffer, read));
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            await writer;
        }
    }

    private async Task WriteWhenDueAsync(ChannelReader<(long Due, byte[] Buffer, int Length)> queue, Socket to)
    {
        await foreach (var (due, buffer, length) in queue.ReadAllAsync())
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await to.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, _stop.Token);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        to.Shutdown(SocketShutdown.Send);
    }

    private async Task ForwardAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
