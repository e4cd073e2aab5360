using System.Collections.Concurrent;
using AcsPush.Functions.Testing;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>One answer the stand-in hub gives.</summary>
internal sealed record HubAnswer(int Status, IReadOnlyDictionary<string, string> Headers);

/// <summary>One request the stand-in hub received, with the status it answered.</summary>
internal sealed record HubRequest(string Method, string Path, string? Format, string? Tags, string? Authorization, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredStatus);

/// <summary>
/// A stand-in Notification Hubs namespace on 127.0.0.1 (random port): records every request and answers
/// from a script in order, then with a default answer (201 unless told otherwise).
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
