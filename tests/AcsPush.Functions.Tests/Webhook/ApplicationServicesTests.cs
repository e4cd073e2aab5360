using System.Reflection;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Idempotency;
using AcsPush.Functions.Notifications;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AcsPush.Functions.Tests.Webhook;

public class ApplicationServicesTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddApplicationServices();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddApplicationServices_NoSettings_DefaultsApply()
    {
        using var provider = Build(new() { ["Idempotency:ConnectionString"] = "UseDevelopmentStorage=true" });

        var webhook = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var notifications = provider.GetRequiredService<IOptions<NotificationsOptions>>().Value;
        var idempotency = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(25), webhook.ProcessingDeadline);
        Assert.Equal((1024 + 128) * 1024, webhook.MaxRequestBodyBytes);
        Assert.False(notifications.IncludeMessageText);
        Assert.Equal("processedevents", idempotency.TableName);
    }

    [Fact]
    public void AddApplicationServices_EmptyTableServiceUriBesideConnectionString_Valid()
    {
        using var provider = Build(new() { ["Idempotency:ConnectionString"] = "UseDevelopmentStorage=true", ["Idempotency:TableServiceUri"] = "" });

        Assert.Null(provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value.TableServiceUri);
    }

    [Theory]
    [InlineData("Webhook:ProcessingDeadline", "00:00:45", "Webhook:ProcessingDeadline")]
    [InlineData("Webhook:MaxConcurrency", "0", "Webhook:MaxConcurrency")]
    [InlineData("Webhook:AllowedRate", "fast", "Webhook:AllowedRate")]
    [InlineData("Webhook:MaxRequestBodyBytes", "10", "Webhook:MaxRequestBodyBytes")]
    public void AddApplicationServices_InvalidWebhookSetting_FailsNamingIt(string key, string value, string expected)
    {
        using var provider = Build(new() { ["Idempotency:ConnectionString"] = "UseDevelopmentStorage=true", [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddApplicationServices_NoIdempotencyStore_FailsNamingBothSettings()
    {
        using var provider = Build([]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value);
        Assert.Contains("Idempotency:TableServiceUri", error.Message, StringComparison.Ordinal);
        Assert.Contains("Idempotency:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddApplicationServices_StartupValidation_ReportsMissingStore()
    {
        using var provider = Build(new() { ["Webhook:MaxConcurrency"] = "4" });

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Idempotency:TableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddApplicationServices_FunctionClasses_AreActivatedFromTheServicesNotResolved()
    {
        using var provider = Build(new()
        {
            ["Idempotency:ConnectionString"] = "UseDevelopmentStorage=true",
            ["NotificationHubs:ConnectionString"] = "Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5",
            ["NotificationHubs:HubName"] = "com.contoso.app",
        });
        var functionClasses = typeof(EventGridWebhook).Assembly.GetTypes()
            .Where(type => type.GetMethods().Any(method => method.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToList();

        // The Functions worker creates one instance per invocation with ActivatorUtilities from the app's services.
        Assert.Equal(["EventGridWebhook", "ExpireIdempotencyRecords", "Installations", "InstallationsByFunctionKey"], functionClasses.Select(type => type.Name).Order(StringComparer.Ordinal));
        Assert.All(functionClasses, type =>
        {
            Assert.Null(provider.GetService(type));
            Assert.IsType(type, ActivatorUtilities.CreateInstance(provider, type));
        });
    }
}
