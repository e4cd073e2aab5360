using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// Head sampling that never loses a failure. A span's fate is decided when it starts, before anyone knows whether it
/// fails, so this sampler keeps <see cref="Percentage"/> percent of traces (by trace id, so all spans of a trace agree)
/// and, instead of dropping the others, records them without exporting them (<see cref="SamplingDecision.RecordOnly"/>).
/// <see cref="FailurePromotingProcessor"/> then exports any of those that ended with an error. Kept spans carry
/// <c>microsoft.sample_rate</c>, so Application Insights counts each as 100 / percentage; a promoted failure counts as one.
/// </summary>
public sealed class FailureKeepingSampler : Sampler
{
    /// <summary>The attribute the Azure Monitor exporter reads as the item's sample rate (percent).</summary>
    internal const string SampleRateAttribute = "microsoft.sample_rate";

    private readonly TraceIdRatioBasedSampler _ratio;
    private readonly KeyValuePair<string, object>[] _keptAttributes;

    /// <summary>Keeps <paramref name="percentage"/> (0-100) percent of traces, and every failed span.</summary>
    public FailureKeepingSampler(int percentage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        Percentage = percentage;
        _ratio = new TraceIdRatioBasedSampler(percentage / 100.0);
        _keptAttributes = [new(SampleRateAttribute, (double)percentage)];
        Description = $"FailureKeepingSampler{{{percentage}%}}";
    }

    /// <summary>Share of traces exported whatever their outcome, in percent.</summary>
    public int Percentage { get; }

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        _ratio.ShouldSample(samplingParameters).Decision == SamplingDecision.RecordAndSample
            ? new SamplingResult(SamplingDecision.RecordAndSample, _keptAttributes)
            : new SamplingResult(SamplingDecision.RecordOnly);
}

/// <summary>
/// Exports a span that <see cref="FailureKeepingSampler"/> recorded without sampling it, when it ended with
/// <see cref="ActivityStatusCode.Error"/>. Registered before the exporter, whose processor skips spans not marked recorded.
/// </summary>
public sealed class FailurePromotingProcessor : BaseProcessor<Activity>
{
    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Recorded && data.Status == ActivityStatusCode.Error)
        {
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }
}
