using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.Installations;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Telemetry;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions;

/// <summary>Registers every service the function app needs; the single entry point used by Program.cs and the tests.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds options, clients and handlers, each validated at start-up.</summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<PushMetrics>();

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddNotificationHubs();

        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
            var clientOptions = TableIdempotencyStore.ClientOptions();
            return string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new TableServiceClient(settings.TableServiceUri!, new DefaultAzureCredential(), clientOptions)
                : new TableServiceClient(settings.ConnectionString, clientOptions);
        });
        services.AddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.AddSingleton<RetentionSweeper>();

        services.AddSingleton<ChatEventRouter>();
        services.AddSingleton<PushDispatcher>();
        services.AddSingleton<EventBatchProcessor>();
        services.AddInstallations();

        // Function classes (EventGridWebhook, Installations, ExpireIdempotencyRecords) are not registered: the Functions worker creates one per
        // invocation from these services with ActivatorUtilities.
        return services;
    }
}
