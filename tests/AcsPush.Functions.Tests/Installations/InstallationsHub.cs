using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsPush.Functions.Testing;
using Microsoft.AspNetCore.Http;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// A stand-in Notification Hubs namespace on 127.0.0.1 that keeps installations as the real one does:
/// <c>PUT {hub}/installations/{id}</c> stores the body (200), <c>GET</c> returns it (404 when absent),
/// <c>DELETE</c> removes it (204 either way). A PUT can be made slow, or failed once, to create races and failures.
/// </summary>
internal sealed class InstallationsHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, JsonObject> installations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, string Id)> calls = new();
    private LoopbackServer server = null!;

    public Uri BaseAddress => server.BaseAddress;

    /// <summary>How long each PUT waits before it is stored; <see cref="OnPutStarted"/> runs at its start.</summary>
    public TimeSpan PutDelay { get; set; }

    /// <summary>Runs when a PUT arrives, before the delay (to look at the app's state while its write is in flight).</summary>
    public Func<string, Task>? OnPutStarted { get; set; }

    /// <summary>The next PUT is answered with this status and not stored.</summary>
    public int? FailNextPutWith { get; set; }

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyList<(string Method, string Id)> Calls => [.. calls];

    public static async Task<InstallationsHub> StartAsync()
    {
        var hub = new InstallationsHub();
        hub.server = await LoopbackServer.StartAsync(hub.AnswerAsync);
        return hub;
    }

    /// <summary>Stores an installation as if registered earlier (for example before ownership was recorded).</summary>
    public void Seed(string installationId, string platform, string pushChannel, params string[] tags) =>
        installations[installationId] = new JsonObject
        {
            ["installationId"] = installationId,
            ["platform"] = platform,
            ["pushChannel"] = pushChannel,
            ["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]),
        };

    /// <summary>The stored installation's tags (comma-separated) and push channel, or null.</summary>
    public (string Tags, string PushChannel)? Stored(string installationId) =>
        installations.TryGetValue(installationId, out var installation)
            ? (string.Join(',', installation["tags"]!.AsArray().Select(t => t!.GetValue<string>())), installation["pushChannel"]!.GetValue<string>())
            : null;

    private async Task AnswerAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 3 || segments[1] != "installations")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var id = Uri.UnescapeDataString(segments[2]);
        var method = context.Request.Method;
        calls.Enqueue((method, id));
        switch (method)
        {
            case "GET" when installations.TryGetValue(id, out var installation):
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(installation.ToJsonString(), context.RequestAborted);
                break;
            case "GET":
                context.Response.StatusCode = 404;
                break;
            case "PUT":
                if (OnPutStarted is { } started)
                {
                    await started(id);
                }

                await Task.Delay(PutDelay, context.RequestAborted);
                if (FailNextPutWith is { } failure)
                {
                    FailNextPutWith = null;
                    context.Response.StatusCode = failure;
                    return;
                }

                var body = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body, cancellationToken: context.RequestAborted);
                installations[id] = body!;
                context.Response.StatusCode = 200;
                break;
            case "DELETE":
                installations.TryRemove(id, out _);
                context.Response.StatusCode = 204;
                break;
            default:
                context.Response.StatusCode = 405;
                break;
        }
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
