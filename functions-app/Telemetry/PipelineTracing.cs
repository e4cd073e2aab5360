using System.Diagnostics;
using AcsPush.Functions.Diagnostics;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// The app's spans (activity source <see cref="SourceName"/>): one per webhook delivery and one per retention sweep,
/// children of the Functions worker's invocation span, so they carry the operation id of the host's request. Without
/// a listener (telemetry off) no span is created. A span that ends in failure gets <see cref="ActivityStatusCode.Error"/>,
/// which is what keeps it from being sampled away (<see cref="FailureKeepingSampler"/>), and carries one span event per
/// failed event or push (at most <see cref="MaxFailureEvents"/>), so the details of a failure travel with it.
/// </summary>
public static class PipelineTracing
{
    /// <summary>Name of the activity source; the same as the meter's.</summary>
    public const string SourceName = PushMetrics.MeterName;

    internal const string DeliverySpan = "EventGrid delivery";
    internal const string RetentionSpan = "Idempotency retention";

    /// <summary>Most failure events put on one delivery's span; the span's counts cover the rest.</summary>
    public const int MaxFailureEvents = 20;

    private static readonly ActivitySource Source = new(SourceName);

    // Events of one delivery fail side by side, and an Activity is not meant to be changed from several threads at once.
    // One lock for the whole process: it is taken only on failure paths.
    private static readonly Lock FailureGate = new();

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

    /// <summary>
    /// Notes on the current delivery's span an event that did not end well: transient, or refused for good by the hub or
    /// the payload builder (rejections that follow from routing, such as a phone-number recipient, are normal traffic).
    /// </summary>
    public static void EventFailed(string eventId, EventResult result)
    {
        if (result.Outcome == EventOutcome.Transient || result.RejectReason is RejectReason.HubRefused or RejectReason.Unbuildable)
        {
            AddFailure("event failed", new ActivityTagsCollection
            {
                ["acspush.event_id"] = LogValue.Bound(eventId),
                ["acspush.outcome"] = result.Outcome.ToString(),
                ["acspush.reason"] = (result.TransientReason?.ToString() ?? result.RejectReason?.ToString()),
            });
        }
    }

    /// <summary>Notes on the current delivery's span a push the hub did not accept, with what support needs to trace it.</summary>
    public static void PushFailed(string eventId, string platform, PushResult result, int hubStatus, string? trackingId) =>
        AddFailure("push failed", new ActivityTagsCollection
        {
            ["acspush.event_id"] = LogValue.Bound(eventId),
            ["acspush.platform"] = platform,
            ["acspush.outcome"] = result.ToString(),
            ["acspush.hub.status"] = hubStatus,
            ["acspush.hub.tracking_id"] = trackingId,
        });

    /// <summary>Marks a span failed with <paramref name="description"/> (a fixed text, never request content).</summary>
    public static void Failed(Activity? activity, string description) => activity?.SetStatus(ActivityStatusCode.Error, description);

    // Only on this source's spans: with telemetry off, Activity.Current may belong to someone else (or be null).
    private static void AddFailure(string name, ActivityTagsCollection tags)
    {
        if (Activity.Current is not { Source.Name: SourceName, IsAllDataRequested: true } span)
        {
            return;
        }

        lock (FailureGate)
        {
            if (span.Events.Take(MaxFailureEvents).Count() < MaxFailureEvents)
            {
                span.AddEvent(new ActivityEvent(name, tags: tags));
            }

            span.SetStatus(ActivityStatusCode.Error, "a push or an event failed");
        }
    }
}
