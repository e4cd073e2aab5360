using System.Collections.Concurrent;
using AcsPush.Functions.Testing;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Benchmarks;

/// <summary>What the stand-in hub saw since the last <see cref="StandInHub.Reset"/>.</summary>
internal sealed record HubTally(
    IReadOnlyDictionary<(string Tag, string Format), int> Sends,
    IReadOnlyDictionary<int, int> Statuses,
    int Unsigned,
    int OtherRequests)
{
    public int SendCount => Sends.Values.Sum();
}

/// <summary>
/// A Notification Hubs namespace stand-in on 127.0.0.1 (random port). Every send waits
/// <see cref="Latency"/> (the hub's own time, as seen from the function) and is answered 201 with a tracking id;
/// the sends are counted per recipient tag and format so each delivery can be checked.
/// </summary>
internal sealed class StandInHub : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private ConcurrentDictionary<(string Tag, string Format), int> _sends = new();
    private ConcurrentDictionary<int, int> _statuses = new();
    private int _unsigned;
    private int _otherRequests;

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Delay added to every send before it is answered.</summary>
    public TimeSpan Latency { get; set; }

    public static async Task<StandInHub> StartAsync()
    {
        var hub = new StandInHub();
        hub._server = await LoopbackServer.StartAsync(hub.AnswerAsync);
        return hub;
    }

    public void Reset()
    {
        _sends = new();
        _statuses = new();
        _unsigned = 0;
        _otherRequests = 0;
    }

    public HubTally Tally() => new(
        new Dictionary<(string, string), int>(_sends),
        new Dictionary<int, int>(_statuses),
        Volatile.Read(ref _unsigned),
        Volatile.Read(ref _otherRequests));

    private async Task AnswerAsync(HttpContext context)
    {
        // Read the payload as the real service would before answering.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);

        var isSend = HttpMethods.IsPost(context.Request.Method)
            && context.Request.Path.Value?.TrimEnd('/').EndsWith("/messages", StringComparison.Ordinal) == true;
        if (!isSend)
        {
            Interlocked.Increment(ref _otherRequests);
            Count(context, StatusCodes.Status404NotFound);
            return;
        }

        if (!context.Request.Headers.Authorization.ToString().StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _unsigned);
        }

        var tag = context.Request.Headers["ServiceBusNotification-Tags"].ToString();
        var format = context.Request.Headers["ServiceBusNotification-Format"].ToString();
        _sends.AddOrUpdate((tag, format), 1, (_, count) => count + 1);

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        context.Response.Headers["TrackingId"] = Guid.NewGuid().ToString();
        Count(context, StatusCodes.Status201Created);
    }

    private void Count(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        _statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
