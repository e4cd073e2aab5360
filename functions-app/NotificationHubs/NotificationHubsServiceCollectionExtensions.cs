using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>Registers the Notification Hubs client and its options.</summary>
public static class NotificationHubsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="INotificationHubsClient"/> bound to the <c>NotificationHubs</c> configuration section,
    /// validated at start-up, and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered.
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

        // The client runs its own retries within a time budget; HttpClient's 100 s default only backs up the attempt timeout.
        services.AddHttpClient<INotificationHubsClient, NotificationHubsClient>()
            .RedactLoggedHeaders(["Authorization"]);
        return services;
    }
}
