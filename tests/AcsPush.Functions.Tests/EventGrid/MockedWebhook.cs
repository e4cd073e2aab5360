using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Telemetry;
using AcsPush.Functions.Tests.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Tests.EventGrid;

/// <summary>The webhook's real pipeline (router, dispatcher, processor) over a mocked hub client and store.</summary>
internal static class MockedWebhook
{
    public static EventGridWebhook Create(
        INotificationHubsClient hub, IIdempotencyStore store, WebhookOptions? options = null, PushMetrics? metrics = null, TimeProvider? time = null,
        ILogger<EventGridWebhook>? logger = null)
    {
        var settings = Options.Create(options ?? new WebhookOptions { MaxConcurrency = 4 });
        var pushMetrics = metrics ?? TestMetrics.Unobserved;
        var dispatcher = new PushDispatcher(hub, store, pushMetrics, NullLogger<PushDispatcher>.Instance);
        var processor = new EventBatchProcessor(new ChatEventRouter(Options.Create(new NotificationsOptions())), dispatcher, settings, NullLogger<EventBatchProcessor>.Instance);
        return new EventGridWebhook(processor, pushMetrics, settings, time ?? TimeProvider.System, logger ?? NullLogger<EventGridWebhook>.Instance);
    }
}
