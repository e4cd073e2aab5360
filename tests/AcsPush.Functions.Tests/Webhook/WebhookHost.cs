using System.Diagnostics;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Tests.EventGrid;
using AcsPush.Functions.Tests.Idempotency;
using AcsPush.Functions.Tests.NotificationHubs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Tests.Webhook;

/// <summary>One delivery's answer, how long it took, and the request (its response headers).</summary>
internal sealed record Delivery(int Status, string Body, TimeSpan Elapsed, HttpRequest Request);

/// <summary>
/// The webhook as the app wires it (<c>AddApplicationServices</c>, options validated), with the real Notification Hubs
/// client pointed at a <see cref="LoopbackHub"/>, the idempotency table on Azurite behind a <see cref="StoreProxy"/>, a
/// clock that can jump (<see cref="OffsetClock"/>) and every log line captured. <see cref="RestartAsync"/> starts a fresh
/// process's services on the same table and hub, as after a crash.
/// </summary>
internal sealed class WebhookHost : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private ServiceProvider _services;

    private WebhookHost(LoopbackHub hub, StoreProxy store, Dictionary<string, string?> settings)
    {
        Hub = hub;
        Store = store;
        _settings = settings;
        _services = Build();
    }

    public LoopbackHub Hub { get; }

    public StoreProxy Store { get; }

    public OffsetClock Clock { get; } = new();

    public CapturingLoggerProvider Logs { get; private set; } = new();

    public string TableName => _settings["Idempotency:TableName"]!;

    public TimeSpan ProcessingDeadline => TimeSpan.Parse(_settings["Webhook:ProcessingDeadline"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Settings every webhook test starts from; <paramref name="overrides"/> win.</summary>
    public static WebhookHost Start(LoopbackHub hub, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var store = StoreProxy.Start(AzuriteTables.ConnectionString);
        var settings = new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = $"Endpoint={hub.BaseAddress};SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=dGVzdC1rZXktbm90LWEtc2VjcmV0",
            ["NotificationHubs:HubName"] = "com.contoso.chat",
            ["NotificationHubs:MaxAttempts"] = "3",
            ["NotificationHubs:TimeBudget"] = "00:00:05",
            ["NotificationHubs:AttemptTimeout"] = "00:00:02",
            ["NotificationHubs:BaseDelay"] = "00:00:00.010",
            ["NotificationHubs:MaxDelay"] = "00:00:00.050",
            ["Idempotency:ConnectionString"] = store.ConnectionString,
            ["Idempotency:TableName"] = AzuriteTables.UniqueTableName("webhook"),
            ["Webhook:ProcessingDeadline"] = "00:00:20",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return new WebhookHost(hub, store, settings);
    }

    /// <summary>Hands <paramref name="request"/> to a new webhook instance, as the Functions worker would, and times the answer.</summary>
    public async Task<Delivery> DeliverAsync(HttpRequest request)
    {
        var webhook = ActivatorUtilities.CreateInstance<EventGridWebhook>(_services);
        var clock = Stopwatch.StartNew();
        var (status, body) = HttpRequests.Read(await webhook.RunAsync(request));
        return new Delivery(status, body, clock.Elapsed, request);
    }

    /// <summary>A new process: fresh services (no cached table, token or state) on the same table, hub and clock.</summary>
    public async Task RestartAsync()
    {
        await _services.DisposeAsync();
        Logs = new CapturingLoggerProvider();
        _services = Build();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(_settings).Build());
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddApplicationServices();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        foreach (var validator in provider.GetServices<Microsoft.Extensions.Options.IStartupValidator>())
        {
            validator.Validate();
        }

        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            await AzuriteTables.ServiceClient().DeleteTableAsync(TableName);
        }
        catch (Azure.RequestFailedException)
        {
            // never created
        }
    }
}
