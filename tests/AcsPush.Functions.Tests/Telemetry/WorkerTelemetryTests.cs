using System.Collections.Concurrent;
using AcsPush.Functions.Telemetry;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace AcsPush.Functions.Tests.Telemetry;

/// <summary>
/// The worker's telemetry as Program.cs registers it: off without a connection string, settings checked at start-up,
/// and, end to end through the real Azure Monitor exporter against a loopback ingestion endpoint, metrics and failed
/// spans sent with the app's token while unsampled successes stay home.
/// </summary>
public sealed class WorkerTelemetryTests
{
    private const string Key = "00000000-0000-0000-0000-000000000001";

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static string ConnectionString(Uri endpoint) => $"InstrumentationKey={Key};IngestionEndpoint={endpoint};LiveEndpoint={endpoint}";

    [Fact]
    public void AddWorkerTelemetry_NoConnectionString_RegistersNoExporter()
    {
        using var services = new ServiceCollection().AddWorkerTelemetry(Config()).BuildServiceProvider();

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
        Assert.False(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Enabled);
    }

    [Fact]
    public void AddWorkerTelemetry_ConnectionString_RegistersBothProviders()
    {
        using var services = new ServiceCollection()
            .AddWorkerTelemetry(Config((TelemetryOptions.ConnectionStringSetting, ConnectionString(new Uri("https://127.0.0.1:9/")))))
            .BuildServiceProvider();

        Assert.True(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Enabled);
        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
        Assert.Contains(services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().FullName!.Contains("OpenTelemetry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TelemetryOptions.AuthenticationSetting, "InstrumentationKey=abc", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be 'Authorization=AAD'")]
    [InlineData(TelemetryOptions.AuthenticationSetting, "Authorization=AAD;ClientId=not-a-guid", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("Telemetry:TraceSamplingPercentage", "101", "Telemetry:TraceSamplingPercentage must be a whole number from 0 to 100")]
    [InlineData(TelemetryOptions.ConnectionStringSetting, "InstrumentationKey=abc", "APPLICATIONINSIGHTS_CONNECTION_STRING must be an Application Insights connection string")]
    public void AddWorkerTelemetry_InvalidSetting_FailsAtStartNamingIt(string key, string value, string expected)
    {
        using var services = new ServiceCollection().AddWorkerTelemetry(Config((key, value))).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TelemetryOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization=AAD", typeof(ManagedIdentityCredential))]
    [InlineData("authorization = aad ; ClientId = 7d2b6c1e-3f4a-4b5c-9d8e-0a1b2c3d4e5f", typeof(ManagedIdentityCredential))]
    [InlineData(null, typeof(DefaultAzureCredential))]
    public void CreateCredential_AuthenticationString_UsesTheAppsIdentity(string? authentication, Type expected)
    {
        var options = new TelemetryOptions { AuthenticationString = authentication };

        Assert.IsType(expected, options.CreateCredential());
    }

    [Fact]
    public async Task Exporter_FailedAndSucceededDeliveries_SendsMetricsAndTheFailureWithTheAppsTokenOnly()
    {
        // The exporter's own usage reports go to Microsoft's endpoints; a test must not try to reach them.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "true");
        await using var ingestion = await IngestionStandIn.StartAsync();
        var credential = new StaticTokenCredential();
        var services = new ServiceCollection().AddMetrics().AddSingleton<PushMetrics>().AddWorkerTelemetry(Config(
            (TelemetryOptions.ConnectionStringSetting, ConnectionString(ingestion.BaseAddress)),
            (TelemetryOptions.AuthenticationSetting, "Authorization=AAD"),
            ("Telemetry:TraceSamplingPercentage", "0")));
        services.PostConfigure<AzureMonitorExporterOptions>(o =>
        {
            o.Credential = credential; // stands in for the managed identity, which only answers inside Azure
            o.EnableLiveMetrics = false;
            o.DisableOfflineStorage = true;
            o.Transport = new HttpClientTransport(ingestion.TrustingHandler());
        });
        var marker = Guid.NewGuid().ToString("N");

        using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetRequiredService<TracerProvider>();
            _ = provider.GetRequiredService<MeterProvider>();
            using (var succeeded = PipelineTracing.StartDelivery())
            {
                succeeded!.SetTag("test.marker", $"ok-{marker}");
                PipelineTracing.Answered(succeeded, 200);
            }

            using (var failed = PipelineTracing.StartDelivery())
            {
                failed!.SetTag("test.marker", $"failed-{marker}");
                PipelineTracing.Answered(failed, 503);
            }

            provider.GetRequiredService<PushMetrics>().Delivery(503);
        } // disposing the providers flushes both exporters

        var bodies = ingestion.AllBodies;
        Assert.Contains($"failed-{marker}", bodies, StringComparison.Ordinal);
        Assert.DoesNotContain($"ok-{marker}", bodies, StringComparison.Ordinal);
        Assert.Contains(PushMetrics.Deliveries, bodies, StringComparison.Ordinal);
        Assert.NotEmpty(ingestion.Requests);
        Assert.All(ingestion.Requests, r => Assert.Equal("Bearer app-identity-token", r.Authorization));
        Assert.Contains("https://monitor.azure.com//.default", credential.Scopes);
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public ConcurrentBag<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Add(scope);
            }

            return new AccessToken("app-identity-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
