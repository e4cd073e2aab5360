using System.Collections.Concurrent;
using AcsPush.Functions.Testing;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>One answer the stand-in hub gives, after <see cref="Delay"/> (the push counts as accepted all the same: a late answer).</summary>
internal sealed record HubAnswer(int Status, IReadOnlyDictionary<string, string> Headers, TimeSpan Delay = default);

/// <summary>One request the stand-in hub received, with the status it answered.</summary>
internal sealed record HubRequest(string Method, string Path, string? Format, string? Tags, string? Authorization, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredStatus);

/// <summary>
/// A stand-in Notification Hubs namespace on 127.0.0.1 (random port): records every request and answers
/// from a script in order, then with a default answer (201 unless told otherwise). A request is recorded, and so
/// counts as processed, when it arrives, whether or not the client waits for the answer.
/// </summary>
internal sealed class LoopbackHub : IAsyncDisposable
{
    private readonly ConcurrentQueue<HubAnswer> _script;
    private readonly HubAnswer _fallback;
    private readonly ConcurrentQueue<HubRequest> _requests = new();
    private LoopbackServer _server = null!;

    private LoopbackHub(IEnumerable<HubAnswer> script, HubAnswer? fallback)
    {
        _script = new ConcurrentQueue<HubAnswer>(script);
        _fallback = fallback ?? new HubAnswer(201, new Dictionary<string, string>());
    }

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<HubRequest> Requests => [.. _requests];

    /// <summary>Called with the number of requests received so far, as each one arrives.</summary>
    public Action<int>? OnRequest { get; set; }

    public static async Task<LoopbackHub> StartAsync(IEnumerable<HubAnswer> script, HubAnswer? fallback = null)
    {
        var hub = new LoopbackHub(script, fallback);
        hub._server = await LoopbackServer.StartAsync(hub.AnswerAsync);
        return hub;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var answer = _script.TryDequeue(out var scripted) ? scripted : _fallback;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new HubRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            headers.GetValueOrDefault("ServiceBusNotification-Format"),
            headers.GetValueOrDefault("ServiceBusNotification-Tags"),
            headers.GetValueOrDefault("Authorization"),
            headers,
            body,
            answer.Status));
        OnRequest?.Invoke(_requests.Count);

        if (answer.Delay > TimeSpan.Zero)
        {
            // The push is accepted; only the answer is late. Ignore the client giving up, as a real hub would.
            await Task.Delay(answer.Delay, CancellationToken.None);
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (answer.Status is >= 200 and < 300)
        {
            context.Response.Headers["TrackingId"] = Guid.NewGuid().ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
    }
}
