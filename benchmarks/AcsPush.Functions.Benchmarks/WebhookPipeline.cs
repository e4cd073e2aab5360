using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using AcsPush.Functions.EventGrid;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Benchmarks;

/// <summary>Where a pipeline sends and how its hub client is tuned.</summary>
internal sealed record PipelineSetup(
    Uri HubEndpoint,
    string TablesConnectionString,
    string TableName,
    int? MaxConcurrency,
    int MaxRequestBodyBytes,
    string HubProtocol,
    int? HubMaxConnections);

/// <summary>
/// The function app as the Functions worker runs it: the services of <c>AddApplicationServices()</c> with
/// in-memory configuration and options validated as at start-up, production logging, and for every delivery a
/// scope and an <see cref="EventGridWebhook"/> activated from it (the worker activates function classes per
/// invocation, they are not registered services) whose <see cref="EventGridWebhook.RunAsync"/> receives a
/// <see cref="DefaultHttpContext"/>. The Functions host and its HTTP front end are not part of it.
/// </summary>
internal sealed class WebhookPipeline : IAsyncDisposable
{
    /// <summary>Key of the loopback stand-in hub; made up, it signs requests that never leave the machine.</summary>
    public const string HubKeyName = "DefaultFullSharedAccessSignature";
    public const string HubKey = "YmVuY2htYXJrLWtleS1ub3QtYS1zZWNyZXQ=";

    // Nothing legitimate takes this long: the webhook's own deadline is at most 28 s.
    private static readonly TimeSpan HardStop = TimeSpan.FromSeconds(60);

    private readonly ServiceProvider _services;

    private WebhookPipeline(ServiceProvider services)
    {
        _services = services;
        Settings = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }

    public WebhookOptions Settings { get; }

    public static WebhookPipeline Start(PipelineSetup setup, ProductionLogging logging)
    {
        var settings = new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = $"Endpoint={setup.HubEndpoint};SharedAccessKeyName={HubKeyName};SharedAccessKey={HubKey}",
            ["NotificationHubs:HubName"] = "com.contoso.chat",
            ["Idempotency:ConnectionString"] = setup.TablesConnectionString,
            ["Idempotency:TableName"] = setup.TableName,
            ["Webhook:MaxRequestBodyBytes"] = setup.MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture),
        };
        if (setup.MaxConcurrency is { } concurrency)
        {
            settings["Webhook:MaxConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        logging.AddTo(services);
        services.AddApplicationServices();
        HubClientTuning.Apply(services, setup.HubProtocol, setup.HubMaxConnections);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // ValidateOnStart is honoured by the host; run the same validators here so bad settings fail before measuring.
        foreach (var validator in provider.GetServices<IStartupValidator>())
        {
            validator.Validate();
        }

        return new WebhookPipeline(provider);
    }

    /// <summary>Posts <paramref name="delivery"/> to the webhook, times it, and checks everything it should have done.</summary>
    public async Task<DeliveryOutcome> DeliverAsync(Delivery delivery, Probes probes)
    {
        await probes.ResetAsync();
        using var abort = new CancellationTokenSource(HardStop);
        var context = new DefaultHttpContext { RequestAborted = abort.Token };
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Scheme = "https";
        request.Host = new HostString("func.example.net");
        request.Path = "/api/events";
        request.ContentType = delivery.ContentType;
        request.Headers["aeg-event-type"] = "Notification";
        request.ContentLength = delivery.Body.Length;
        request.Body = new MemoryStream(delivery.Body, writable: false);

        var before = probes.Sample();
        var stopwatch = Stopwatch.StartNew();
        IActionResult result;
        try
        {
            await using var scope = _services.CreateAsyncScope();
            context.RequestServices = scope.ServiceProvider;
            var webhook = ActivatorUtilities.CreateInstance<EventGridWebhook>(scope.ServiceProvider);
            result = await webhook.RunAsync(request).WaitAsync(HardStop + TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            return DeliveryOutcome.Failed(delivery, stopwatch.Elapsed, $"the webhook did not answer within {HardStop.TotalSeconds:0} s");
        }

        var elapsed = stopwatch.Elapsed;
        var after = probes.Sample();
        var (status, body) = Answer(result);
        var tally = await probes.HubTallyAsync();
        return new DeliveryOutcome(
            delivery.Events,
            delivery.Fresh.Count,
            delivery.Redelivered.Count,
            elapsed.TotalMilliseconds,
            status,
            after.Minus(before),
            probes.StoreRoundTrips(),
            probes.HubRoundTrips(),
            tally.Connections,
            string.Join(", ", tally.Protocols.Select(p => p.Key)),
            DeliveryCheck.Problems(delivery, status, body, tally));
    }

    /// <summary>Body size that admits <paramref name="events"/> generated events, with room to spare.</summary>
    public static int BodyLimitFor(DeliverySchema schema, int events)
    {
        var needed = (long)events * (ChatDeliveries.EventBytes(schema) + 64) + 1024;
        return (int)Math.Clamp(needed, new WebhookOptions().MaxRequestBodyBytes, 64 * 1024 * 1024);
    }

    private static (int Status, string Body) Answer(IActionResult result) => result switch
    {
        ContentResult content => (content.StatusCode ?? 200, content.Content ?? string.Empty),
        ObjectResult value => (value.StatusCode ?? 200, JsonSerializer.Serialize(value.Value)),
        JsonResult json => (json.StatusCode ?? 200, JsonSerializer.Serialize(json.Value)),
        StatusCodeResult code => (code.StatusCode, string.Empty),
        _ => (0, $"unexpected result type {result.GetType().Name}"),
    };

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>
/// Candidate settings of the hub client that the function app does not expose, applied from outside through the
/// HTTP client factory's defaults so they reach whatever client the app registers: a handler limit on connections
/// per server, and HTTP/2 without TLS (h2c, prior knowledge) to the stand-in hub. The stand-in reports the
/// protocols and connections it saw, so a setting that did not take shows up.
/// </summary>
internal static class HubClientTuning
{
    public static void Apply(IServiceCollection services, string protocol, int? maxConnections)
    {
        if (protocol == "http1" && maxConnections is null)
        {
            return;
        }

        services.ConfigureHttpClientDefaults(client =>
        {
            if (maxConnections is { } limit)
            {
                client.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = limit });
            }

            if (protocol == "http2")
            {
                client.AddHttpMessageHandler(() => new Http2Only());
            }
        });
    }

    private sealed class Http2Only : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
