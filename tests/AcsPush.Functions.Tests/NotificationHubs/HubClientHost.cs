using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>
/// The client as the app wires it (<c>AddNotificationHubs</c>: options, resilience pipeline, signing handler), with the
/// hub replaced at the <see cref="HttpMessageHandler"/> by <see cref="Hub"/>, time by <see cref="Clock"/>, and every
/// log line of every category captured in <see cref="Logs"/>.
/// </summary>
internal sealed class HubClientHost : IDisposable
{
    public const string Key = "S3VwZXJTZWNyZXRLZXlWYWx1ZUZvclRlc3RzT25seQ==";
    public const string KeyName = "FunctionSendListen";
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider services;

    /// <param name="configure">Changes to the <c>NotificationHubs:*</c> settings (key without the section).</param>
    public HubClientHost(Action<Dictionary<string, string>>? configure = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionString"] = $"Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName={KeyName};SharedAccessKey={Key}",
            ["HubName"] = "com.contoso.app",
            ["MaxAttempts"] = "4",
            ["TimeBudget"] = "00:00:20",
            ["AttemptTimeout"] = "00:00:10",
            ["BaseDelay"] = "00:00:01",
            ["MaxDelay"] = "00:00:08",
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create<string, string?>($"NotificationHubs:{s.Key}", s.Value)))
            .Build();

        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddSingleton<TimeProvider>(Clock);
        collection.AddNotificationHubs();
        collection.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => Hub));
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public RecordingHandler Hub { get; } = new();

    public VirtualClock Clock { get; } = new(Start);

    public CapturingLoggerProvider Logs { get; } = new();

    public INotificationHubsClient Client => services.GetRequiredService<INotificationHubsClient>();

    public void Dispose()
    {
        services.Dispose();
        Hub.Dispose();
    }
}
