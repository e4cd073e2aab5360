using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Benchmarks;

/// <summary>One timed delivery and what it produced.</summary>
internal sealed record DeliveryOutcome(TimeSpan Elapsed, TimeSpan ProcessCpu, TimeSpan? StoreCpu, int Status, HubTally Hub, string? Error);

/// <summary>
/// The function app's own services (<c>AddApplicationServices</c>, options validated at start-up) wired to the
/// stand-in hub and an idempotency table of its own. Deliveries go straight to
/// <see cref="EventGridWebhook.RunAsync"/> with a <see cref="DefaultHttpContext"/>, as the Functions host would
/// hand them over; the Functions host itself is not part of the measurement.
/// </summary>
internal sealed class WebhookPipeline : IAsyncDisposable
{
    // Nothing legitimate takes this long: the webhook's own deadline is at most 28 s.
    private static readonly TimeSpan HardStop = TimeSpan.FromSeconds(60);

    private readonly ServiceProvider _services;
    private readonly StandInHub _hub;
    private readonly string _tablesConnectionString;
    private readonly string _tableName;

    private WebhookPipeline(ServiceProvider services, StandInHub hub, string tablesConnectionString, string tableName)
    {
        _services = services;
        _hub = hub;
        _tablesConnectionString = tablesConnectionString;
        _tableName = tableName;
        // Built as the Functions worker builds function classes: not registered, activated from the app's services.
        Webhook = ActivatorUtilities.CreateInstance<EventGridWebhook>(services);
        Settings = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }

    public EventGridWebhook Webhook { get; }

    public WebhookOptions Settings { get; }

    public static async Task<WebhookPipeline> StartAsync(StandInHub hub, string tablesConnectionString, int? maxConcurrency, int maxRequestBodyBytes)
    {
        var tableName = "bench" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            // A made-up key for the loopback stand-in; it signs requests that never leave the machine.
            ["NotificationHubs:ConnectionString"] = $"Endpoint={hub.BaseAddress};SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=YmVuY2htYXJrLWtleS1ub3QtYS1zZWNyZXQ=",
            ["NotificationHubs:HubName"] = "com.contoso.chat",
            ["Idempotency:ConnectionString"] = tablesConnectionString,
            ["Idempotency:TableName"] = tableName,
            ["Webhook:MaxRequestBodyBytes"] = maxRequestBodyBytes.ToString(CultureInfo.InvariantCulture),
        };
        if (maxConcurrency is { } concurrency)
        {
            settings["Webhook:MaxConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddApplicationServices();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // ValidateOnStart is honoured by the host; run the same validators here so bad settings fail before measuring.
        foreach (var validator in provider.GetServices<IStartupValidator>())
        {
            validator.Validate();
        }

        // Create the table up front so the first measured delivery does not pay for it.
        await new TableServiceClient(tablesConnectionString).CreateTableIfNotExistsAsync(tableName);
        return new WebhookPipeline(provider, hub, tablesConnectionString, tableName);
    }

    /// <summary>Posts <paramref name="delivery"/> to the webhook, times it, and checks everything it should have done.</summary>
    public async Task<DeliveryOutcome> DeliverAsync(Delivery delivery, StoreProcess? store)
    {
        _hub.Reset();
        using var abort = new CancellationTokenSource(HardStop);
        var context = new DefaultHttpContext { RequestAborted = abort.Token };
        context.Request.Method = HttpMethods.Post;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("func.example.net");
        context.Request.Path = "/api/events";
        context.Request.ContentType = delivery.ContentType;
        context.Request.Headers["aeg-event-type"] = "Notification";
        context.Request.ContentLength = delivery.Body.Length;
        context.Request.Body = new MemoryStream(delivery.Body, writable: false);

        var storeCpuBefore = store?.CpuTime();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var stopwatch = Stopwatch.StartNew();
        IActionResult result;
        try
        {
            result = await Webhook.RunAsync(context.Request).WaitAsync(HardStop + TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            return new DeliveryOutcome(stopwatch.Elapsed, TimeSpan.Zero, null, 0, _hub.Tally(), $"the webhook did not answer within {HardStop.TotalSeconds:0} s");
        }

        var elapsed = stopwatch.Elapsed;
        var processCpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var storeCpu = store?.CpuTime() - storeCpuBefore;
        var (status, body) = result switch
        {
            ContentResult content => (content.StatusCode ?? 200, content.Content ?? string.Empty),
            StatusCodeResult code => (code.StatusCode, string.Empty),
            _ => (0, $"unexpected result type {result.GetType().Name}"),
        };

        // Sends still in flight when RunAsync returns would be a defect too; the tally is taken after it returns.
        var tally = _hub.Tally();
        return new DeliveryOutcome(elapsed, processCpu, storeCpu, status, tally, Check(delivery, status, body, tally));
    }

    /// <summary>Null when the delivery did exactly its job: 200, and one apple and one fcmv1 push per recipient.</summary>
    private static string? Check(Delivery delivery, int status, string body, HubTally tally)
    {
        var expectedPushes = 2 * delivery.Recipients.Count;
        var problems = new List<string>();
        if (status != StatusCodes.Status200OK)
        {
            problems.Add($"webhook answered {status}: {Shorten(body)}");
        }
        else if (SentCount(body) is var sent && sent != expectedPushes)
        {
            problems.Add($"webhook reported {sent?.ToString(CultureInfo.InvariantCulture) ?? "no"} pushes sent, expected {expectedPushes}: {Shorten(body)}");
        }

        if (tally.SendCount != expectedPushes)
        {
            problems.Add($"hub received {tally.SendCount} sends, expected {expectedPushes} (2 x {delivery.Recipients.Count} recipients)");
        }

        var missing = delivery.Recipients
            .Select(RecipientTag.For)
            .Count(tag => tally.Sends.GetValueOrDefault((tag, "apple")) != 1 || tally.Sends.GetValueOrDefault((tag, "fcmv1")) != 1);
        if (missing > 0)
        {
            problems.Add($"{missing} recipients did not get exactly one apple and one fcmv1 push");
        }

        if (tally.Statuses.Keys.Any(code => code != StatusCodes.Status201Created) || tally.Unsigned > 0 || tally.OtherRequests > 0)
        {
            problems.Add($"hub saw {tally.Unsigned} unsigned sends and {tally.OtherRequests} other requests");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static int? SentCount(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("sent", out var sent) && sent.TryGetInt32(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await new TableServiceClient(_tablesConnectionString).DeleteTableAsync(_tableName);
        }
        finally
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>Body size that admits a batch of <paramref name="events"/> generated events, with room to spare.</summary>
    public static int BodyLimitFor(DeliverySchema schema, int events)
    {
        var one = ChatDeliveries.Create(schema, 1).Body.Length;
        var needed = (long)events * (one + 64) + 1024;
        return (int)Math.Clamp(needed, new WebhookOptions().MaxRequestBodyBytes, 64 * 1024 * 1024);
    }
}
