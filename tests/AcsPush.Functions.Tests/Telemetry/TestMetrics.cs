using System.Diagnostics.Metrics;
using AcsPush.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AcsPush.Functions.Tests.Telemetry;

/// <summary>
/// <see cref="PushMetrics"/> on a meter factory of its own, so that collectors see this test's measurements only
/// (tests run in parallel, and every meter named <see cref="PushMetrics.MeterName"/> shares the name).
/// </summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public TestMetrics() => Metrics = new PushMetrics(Factory);

    /// <summary>Metrics nobody collects, for tests about something else.</summary>
    public static PushMetrics Unobserved { get; } = new TestMetrics().Metrics;

    public IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public PushMetrics Metrics { get; }

    public MetricCollector<T> Collect<T>(string instrument) where T : struct => new(Factory, PushMetrics.MeterName, instrument);

    public void Dispose() => _services.Dispose();
}
