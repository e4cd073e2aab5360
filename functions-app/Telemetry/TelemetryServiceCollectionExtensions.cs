using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// Sends the worker's metrics and spans to the stack's Application Insights with the Azure Monitor OpenTelemetry
/// exporter, authenticated with the app's identity (<see cref="TelemetryOptions.CreateCredential"/>). Logs keep their
/// route through the Functions host, which already sends them with the same identity: exporting them here too would
/// send each line twice.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Validates the telemetry settings at start-up and, only when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set,
    /// registers the exporters; without it nothing listens to the app's meter and activity source.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The app's configuration (app settings).</param>
    /// <param name="configureTracing">Extra tracing set-up after the exporter's (tests add an in-memory exporter).</param>
    /// <param name="configureMetrics">Extra metrics set-up after the exporter's.</param>
    public static IServiceCollection AddWorkerTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<TracerProviderBuilder>? configureTracing = null,
        Action<MeterProviderBuilder>? configureMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.SectionName))
            .Configure(o =>
            {
                o.ConnectionString = configuration[TelemetryOptions.ConnectionStringSetting];
                o.AuthenticationString = configuration[TelemetryOptions.AuthenticationSetting];
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        if (string.IsNullOrWhiteSpace(configuration[TelemetryOptions.ConnectionStringSetting]))
        {
            return services;
        }

        services.AddOptions<AzureMonitorExporterOptions>().Configure<IOptions<TelemetryOptions>>((exporter, telemetry) =>
        {
            exporter.ConnectionString = telemetry.Value.ConnectionString;
            exporter.Credential = telemetry.Value.CreateCredential();
        });

        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing =>
            {
                tracing.AddSource(PipelineTracing.SourceName)
                    // Before the exporter: its processor skips spans not marked recorded.
                    .AddProcessor(new FailurePromotingProcessor())
                    .AddAzureMonitorTraceExporter()
                    // After the exporter, which sets a sampler of its own; the last one set is the one used.
                    .SetSampler(sp => new FailureKeepingSampler(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.TraceSamplingPercentage));
                configureTracing?.Invoke(tracing);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PushMetrics.MeterName).AddAzureMonitorMetricExporter();
                configureMetrics?.Invoke(metrics);
            });
        return services;
    }
}
