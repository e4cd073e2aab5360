using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>Registers the Notification Hubs client and its options.</summary>
public static class NotificationHubsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="INotificationHubsClient"/> bound to the <c>NotificationHubs</c> configuration section,
    /// validated at start-up, and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered.
    /// Its HTTP client runs each call through <see cref="NotificationHubsResilience"/> and signs every attempt.
    /// </summary>
    public static IServiceCollection AddNotificationHubs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(INotificationHubsClient)))
        {
            return services;
        }

        services.AddOptions<NotificationHubsClientOptions>()
            .BindConfiguration(NotificationHubsClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<NotificationHubsClientOptions>, NotificationHubsClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // HttpClient's own timeout (100 s by default) becomes the time budget too: it also bounds reading the final
        // answer's body, which happens after the resilience pipeline has returned.
        // The factory's request loggers are removed: they log at Information, below the level the app keeps for
        // System.Net.Http.HttpClient, yet for every push they still open a log scope and time the request twice. The
        // client logs each answer itself (and never the Authorization header).
        var client = services.AddHttpClient<INotificationHubsClient, NotificationHubsClient>()
            .ConfigureHttpClient((provider, http) => http.Timeout = Settings(provider).TimeBudget)
            .RemoveAllLoggers();

        // Handlers run in the order added: the resilience pipeline, then the signing inside it, once per attempt.
        client.AddResilienceHandler(NotificationHubsResilience.PipelineName, (pipeline, context) =>
            pipeline.AddNotificationHubsStrategies(Settings(context.ServiceProvider), context.ServiceProvider.GetRequiredService<TimeProvider>()));
        client.AddHttpMessageHandler(provider => new SharedAccessSignatureHandler(
            NotificationHubsConnection.Parse(Settings(provider).ConnectionString),
            provider.GetRequiredService<TimeProvider>()));
        services.Configure<TelemetryOptions>(telemetry => telemetry.SeverityProvider = NotificationHubsResilience.Severity);
        return services;
    }

    private static NotificationHubsClientOptions Settings(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<NotificationHubsClientOptions>>().Value;
}
