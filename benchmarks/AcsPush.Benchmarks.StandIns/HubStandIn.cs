using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsPush.Benchmarks.StandIns;

/// <summary>
/// A Notification Hubs namespace on 127.0.0.1. Every send (<c>POST …/messages</c>) is read, checked for a valid
/// SAS signature, held for <see cref="Latency"/> (the hub's own time, as the function sees it) and answered 201
/// with a tracking id. What arrived is counted per recipient tag and format, so the benchmark can check that each
/// delivery sent exactly what it should. HTTP/2 is served as h2c (prior knowledge), the only HTTP/2 that plain
/// http allows.
/// </summary>
internal sealed class HubStandIn : IStandIn
{
    private static readonly JsonSerializerOptions TallyJson = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly SasCheck _sas;
    private Counts _counts = new();

    private HubStandIn(WebApplication app, SasCheck sas)
    {
        _app = app;
        _sas = sas;
    }

    public int Port { get; private set; }

    public TimeSpan Latency { get; set; }

    public static async Task<HubStandIn> StartAsync(IReadOnlyDictionary<string, string> options)
    {
        var protocols = options.GetValueOrDefault("--protocol", "http1") switch
        {
            "http1" => HttpProtocols.Http1,
            "http2" => HttpProtocols.Http2,
            var other => throw new ArgumentException($"--protocol takes http1 or http2; got '{other}'."),
        };
        var sas = new SasCheck(
            options.GetValueOrDefault("--key-name") ?? throw new ArgumentException("hub needs --key-name."),
            options.GetValueOrDefault("--key") ?? throw new ArgumentException("hub needs --key."));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        var app = builder.Build();
        var hub = new HubStandIn(app, sas);
        app.Run(hub.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.Port = new Uri(address).Port;
        return hub;
    }

    public string? Command(string name)
    {
        switch (name)
        {
            case "reset":
                _counts = new Counts();
                return "ok";
            case "tally":
                var counts = _counts;
                var tally = new
                {
                    sends = counts.Sends.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()),
                    statuses = counts.Statuses.ToDictionary(pair => pair.Key, pair => pair.Value),
                    badSignatures = counts.BadSignatures,
                    otherRequests = counts.OtherRequests,
                    protocols = counts.Protocols.ToDictionary(pair => pair.Key, pair => pair.Value),
                    connections = counts.Connections.Count,
                };
                return JsonSerializer.Serialize(tally, TallyJson);
            default:
                return null;
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var counts = _counts;
        var request = context.Request;
        counts.Protocols.AddOrUpdate(request.Protocol, 1, (_, n) => n + 1);
        counts.Connections.TryAdd(context.Connection.Id, 0);

        // Read the payload as the real service would before answering.
        await request.Body.CopyToAsync(Stream.Null, context.RequestAborted);

        var isSend = HttpMethods.IsPost(request.Method)
            && request.Path.Value?.TrimEnd('/').EndsWith("/messages", StringComparison.Ordinal) == true;
        if (!isSend)
        {
            Interlocked.Increment(ref counts.OtherRequests);
            Answer(context, counts, StatusCodes.Status404NotFound);
            return;
        }

        var resource = $"{request.Scheme}://{request.Host}{request.Path}";
        if (!_sas.IsValid(request.Headers.Authorization.ToString(), resource, DateTimeOffset.UtcNow))
        {
            Interlocked.Increment(ref counts.BadSignatures);
            Answer(context, counts, StatusCodes.Status401Unauthorized);
            return;
        }

        var tag = request.Headers["ServiceBusNotification-Tags"].ToString();
        var slot = request.Headers["ServiceBusNotification-Format"].ToString() switch
        {
            "apple" => 0,
            "fcmv1" => 1,
            _ => 2,
        };
        var perTag = counts.Sends.GetOrAdd(tag, _ => new int[3]);
        Interlocked.Increment(ref perTag[slot]);

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        context.Response.Headers["TrackingId"] = Guid.NewGuid().ToString();
        Answer(context, counts, StatusCodes.Status201Created);
    }

    private static void Answer(HttpContext context, Counts counts, int status)
    {
        context.Response.StatusCode = status;
        counts.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What arrived since the last reset; replaced whole on reset so a late request cannot blur two deliveries.</summary>
    private sealed class Counts
    {
        /// <summary>Per tag: apple, fcmv1 and other-format sends.</summary>
        public readonly ConcurrentDictionary<string, int[]> Sends = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<int, int> Statuses = new();
        public readonly ConcurrentDictionary<string, int> Protocols = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, byte> Connections = new(StringComparer.Ordinal);
        public int BadSignatures;
        public int OtherRequests;
    }
}
