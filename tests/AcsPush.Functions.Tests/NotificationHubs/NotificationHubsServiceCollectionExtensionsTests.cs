using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AcsPush.Functions.Tests.NotificationHubs;

public class NotificationHubsServiceCollectionExtensionsTests
{
    private const string Secret = "UGxlYXNlTmV2ZXJMb2dNZVRoaXNJc0FLZXk=";
    private const string ValidConnectionString =
        $"Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=FunctionSendListen;SharedAccessKey={Secret}";

    private static ServiceProvider BuildProvider(
        IDictionary<string, string?> settings,
        Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        before?.Invoke(services);
        services.AddNotificationHubs();
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string?> ValidSettings() => new()
    {
        ["NotificationHubs:ConnectionString"] = ValidConnectionString,
        ["NotificationHubs:HubName"] = "com.contoso.app",
    };

    public static TheoryData<string, string?, string> InvalidSettings() => new()
    {
        { "NotificationHubs:ConnectionString", null, "NotificationHubs:ConnectionString is required" },
        { "NotificationHubs:HubName", null, "NotificationHubs:HubName is required" },
        { "NotificationHubs:ConnectionString", "not a connection string", "NotificationHubs:ConnectionString has a part that is not 'Name=value'" },
        { "NotificationHubs:ConnectionString", $"SharedAccessKeyName=send;SharedAccessKey={Secret}", "NotificationHubs:ConnectionString has no Endpoint" },
        { "NotificationHubs:ConnectionString", $"Endpoint=ftp://contoso-ns/;SharedAccessKeyName=send;SharedAccessKey={Secret}", "NotificationHubs:ConnectionString has an Endpoint that is not" },
        { "NotificationHubs:ConnectionString", $"Endpoint=contoso-ns.servicebus.windows.net;SharedAccessKeyName=send;SharedAccessKey={Secret}", "NotificationHubs:ConnectionString has an Endpoint that is not" },
        { "NotificationHubs:ConnectionString", $"Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKey={Secret}", "NotificationHubs:ConnectionString has no SharedAccessKeyName" },
        { "NotificationHubs:ConnectionString", "Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send", "NotificationHubs:ConnectionString has no SharedAccessKey" },
        { "NotificationHubs:HubName", "hub name with spaces", "NotificationHubs:HubName must be" },
        { "NotificationHubs:MaxAttempts", "0", "NotificationHubs:MaxAttempts must be between 1 and 10" },
        { "NotificationHubs:TimeBudget", "00:10:00", "NotificationHubs:TimeBudget must be between" },
        { "NotificationHubs:AttemptTimeout", "00:00:00", "NotificationHubs:AttemptTimeout must be between" },
        { "NotificationHubs:BaseDelay", "00:00:09", "NotificationHubs:BaseDelay must not be longer than NotificationHubs:MaxDelay" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void StartupValidation_InvalidSetting_FailsNamingTheSettingWithoutTheKey(string key, string? value, string expectedMessage)
    {
        // Arrange
        var settings = ValidSettings();
        settings[key] = value;
        using var provider = BuildProvider(settings);

        // Act
        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.Contains(expectedMessage, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidation_ValidSettings_ResolvesClientAndSystemClock()
    {
        using var provider = BuildProvider(ValidSettings());

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<NotificationHubsClient>(provider.GetRequiredService<INotificationHubsClient>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        var options = provider.GetRequiredService<IOptions<NotificationHubsClientOptions>>().Value;
        Assert.Equal(4, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(20), options.TimeBudget);
    }

    [Fact]
    public void AddNotificationHubs_TimeProviderAlreadyRegistered_KeepsIt()
    {
        var clock = new VirtualClock(DateTimeOffset.UnixEpoch);
        using var provider = BuildProvider(ValidSettings(), before: services => services.AddSingleton<TimeProvider>(clock));

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddNotificationHubs_CalledTwice_RegistersClientOnce()
    {
        var services = new ServiceCollection();

        services.AddNotificationHubs();
        services.AddNotificationHubs();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(INotificationHubsClient));
    }
}
