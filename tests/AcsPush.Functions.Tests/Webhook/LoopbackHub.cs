using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<HubAnswer> _script;
    private readonly HubAnswer _fallback;
    private readonly ConcurrentQueue<HubRequest> _requests = new();

    private LoopbackHub(WebApplication app, IEnumerable<HubAnswer> script, HubAnswer? fallback)
    {
        _app = app;
        _script = new ConcurrentQueue<HubAnswer>(script);
        _fallback = fallback ?? new HubAnswer(201, new Dictionary<string, string>());
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<HubRequest> Requests => [.. _requests];

    public static async Task<LoopbackHub> StartAsync(IEnumerable<HubAnswer> script, HubAnswer? fallback = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new LoopbackHub(app, script, fallback);
        app.Run(hub.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
