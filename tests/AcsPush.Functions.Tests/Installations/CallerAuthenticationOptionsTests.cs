using AcsPush.Functions.Installations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>The caller settings are checked at start-up: a partial or malformed set stops the app, naming the setting.</summary>
public class CallerAuthenticationOptionsTests
{
    private const string Tenant = "5d7d3c4a-7b8e-4f0a-9a61-2b3c4d5e6f70";
    private const string Caller = "9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1";

    private static CallerAuthenticationOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Installations:Authentication:" + s.Key, s => s.Value))
            .Build());
        services.AddLogging();
        services.AddInstallations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<CallerAuthenticationOptions>>().Value;
    }

    private static Dictionary<string, string?> Complete() => new()
    {
        ["TenantId"] = Tenant,
        ["Audiences:0"] = "api://acs-push-installations",
        ["AllowedCallers:0"] = Caller,
    };

    [Fact]
    public void Bind_NothingSet_IsValidAndClosed()
    {
        var options = Bind([]);

        Assert.False(options.IsConfigured);
        Assert.False(options.AllowFunctionKey);
    }

    [Fact]
    public void Bind_CompleteSet_BindsListsAndMetadataAddress()
    {
        var settings = Complete();
        settings["Audiences:1"] = "3c2d1e0f-5a4b-4c3d-9e8f-7a6b5c4d3e2f";

        var options = Bind(settings);

        Assert.Equal(["api://acs-push-installations", "3c2d1e0f-5a4b-4c3d-9e8f-7a6b5c4d3e2f"], options.Audiences);
        Assert.Equal([Caller], options.AllowedCallers);
        Assert.Equal($"https://login.microsoftonline.com/{Tenant}/v2.0/.well-known/openid-configuration", options.MetadataAddress.AbsoluteUri);
    }

    [Theory]
    [InlineData("TenantId", null, "TenantId")]
    [InlineData("TenantId", "contoso.onmicrosoft.com", "TenantId")]
    [InlineData("Audiences:0", null, "Audiences")]
    [InlineData("Audiences:0", "not a uri", "Audiences")]
    [InlineData("Audiences:0", "http://insecure.example", "Audiences")]
    [InlineData("AllowedCallers:0", null, "AllowedCallers")]
    [InlineData("AllowedCallers:0", "backend-app", "AllowedCallers")]
    [InlineData("Instance", "http://login.example.com/", "Instance")]
    [InlineData("Instance", "https://login.microsoftonline.com/tenant", "Instance")]
    public void Bind_PartialOrMalformed_FailsNamingTheSetting(string key, string? value, string named)
    {
        var settings = Complete();
        if (value is null)
        {
            settings.Remove(key);
        }
        else
        {
            settings[key] = value;
        }

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains("Installations:Authentication:" + named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_LoopbackHttpInstance_IsAccepted()
    {
        var settings = Complete();
        settings["Instance"] = "http://127.0.0.1:5099/";

        Assert.Equal("http://127.0.0.1:5099/", Bind(settings).Instance.AbsoluteUri);
    }
}
