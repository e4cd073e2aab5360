using System.Diagnostics;
using AcsPush.Functions.EventGrid;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// The app's spans (activity source <see cref="SourceName"/>): one per webhook delivery and one per retention sweep,
/// children of the Functions worker's invocation span, so they carry the operation id of the host's request. Without
/// a listener (telemetry off) no span is created. A span that ends in failure gets <see cref="ActivityStatusCode.Error"/>,
/// which is what keeps it from being sampled away (<see cref="FailureKeepingSampler"/>).
/// </summary>
public static class PipelineTracing
{
    /// <summary>Name of the activity source; the same as the meter's.</summary>
    public const string SourceName = PushMetrics.MeterName;

    internal const string DeliverySpan = "EventGrid delivery";
    internal const string RetentionSpan = "Idempotency retention";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of one webhook delivery (null when nobody listens).</summary>
    public static Activity? StartDelivery() => Source.StartActivity(DeliverySpan, ActivityKind.Internal);

    /// <summary>Starts the span of one retention sweep (null when nobody listens).</summary>
    public static Activity? StartRetention() => Source.StartActivity(RetentionSpan, ActivityKind.Internal);

    /// <summary>Counts of a processed delivery on its span.</summary>
    public static void Processed(Activity? activity, BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("acspush.events", result.Events);
        activity.SetTag("acspush.events.sent", result.Outcomes.Sent);
        activity.SetTag("acspush.events.duplicate", result.Outcomes.Duplicate);
        activity.SetTag("acspush.events.rejected", result.Outcomes.Rejected);
        activity.SetTag("acspush.events.transient", result.Outcomes.Transient);
        activity.SetTag("acspush.pushes.sent", result.Pushes.Sent);
        activity.SetTag("acspush.pushes.transient", result.Pushes.Transient);
    }

    /// <summary>The answer of a delivery: any status from 400 on marks the span failed (503: retried; 400/413: dead-lettered).</summary>
    public static void Answered(Activity? activity, int status)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("http.response.status_code", status);
        if (status >= 400)
        {
            activity.SetStatus(ActivityStatusCode.Error, status == 503 ? "retry requested" : "delivery refused");
        }
    }

    /// <summary>Marks a span failed with <paramref name="description"/> (a fixed text, never request content).</summary>
    public static void Failed(Activity? activity, string description) => activity?.SetStatus(ActivityStatusCode.Error, description);
}
