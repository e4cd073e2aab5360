using System.Diagnostics.Metrics;
using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;

namespace AcsPush.Functions.Telemetry;

/// <summary>
/// The app's own metrics (meter <see cref="MeterName"/>), created through <see cref="IMeterFactory"/> so that each
/// service container owns its instruments. With no listener (telemetry off: no connection string, tests, benchmarks)
/// every call returns after one flag check. Tags are constant strings, so recording allocates nothing.
/// </summary>
/// <remarks>
/// Instruments (dimensions in brackets):
/// <list type="bullet">
/// <item><c>acspush.deliveries</c> [status]: webhook deliveries answered, by HTTP status (200, 503, 400, 413).</item>
/// <item><c>acspush.events.received</c>: events in the notification deliveries that were processed.</item>
/// <item><c>acspush.events</c> [outcome, reason]: events by how they ended (sent, duplicate, rejected, transient), as
/// the delivery was answered; an event still running at the answer counts as transient (deadline).</item>
/// <item><c>acspush.pushes</c> [platform, outcome, reason]: pushes by platform (apple, fcmv1) and outcome (sent,
/// rejected, transient, duplicate: suppressed because an earlier delivery sent it).</item>
/// <item><c>acspush.hub.send.duration</c> [platform, outcome]: milliseconds of one send to the hub, retries included.</item>
/// <item><c>acspush.retention.deleted</c>: idempotency records deleted by the retention sweep.</item>
/// </list>
/// </remarks>
public sealed class PushMetrics
{
    /// <summary>Name of the app's meter (and of its activity source, <see cref="PipelineTracing"/>).</summary>
    public const string MeterName = "AcsPush.Functions";

    internal const string Deliveries = "acspush.deliveries";
    internal const string EventsReceived = "acspush.events.received";
    internal const string Events = "acspush.events";
    internal const string Pushes = "acspush.pushes";
    internal const string HubSendDuration = "acspush.hub.send.duration";
    internal const string RetentionDeleted = "acspush.retention.deleted";

    internal const string StatusTag = "status";
    internal const string OutcomeTag = "outcome";
    internal const string ReasonTag = "reason";
    internal const string PlatformTag = "platform";

    private static readonly string[] OutcomeNames = Names<EventOutcome>();
    private static readonly string[] RejectNames = Names<RejectReason>();
    private static readonly string[] TransientNames = Names<TransientReason>();

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _received;
    private readonly Counter<long> _events;
    private readonly Counter<long> _pushes;
    private readonly Histogram<double> _hubDuration;
    private readonly Counter<long> _retentionDeleted;

    public PushMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _deliveries = meter.CreateCounter<long>(Deliveries, "{delivery}", "Webhook deliveries answered, by HTTP status.");
        _received = meter.CreateCounter<long>(EventsReceived, "{event}", "Events in the notification deliveries processed.");
        _events = meter.CreateCounter<long>(Events, "{event}", "Events by outcome (sent, duplicate, rejected, transient) and reason.");
        _pushes = meter.CreateCounter<long>(Pushes, "{push}", "Pushes by platform and outcome (sent, rejected, transient, duplicate).");
        _hubDuration = meter.CreateHistogram<double>(HubSendDuration, "ms", "Duration of one send to the hub, retries included.");
        _retentionDeleted = meter.CreateCounter<long>(RetentionDeleted, "{record}", "Idempotency records deleted by the retention sweep.");
    }

    /// <summary>A delivery answered with <paramref name="status"/>.</summary>
    public void Delivery(int status)
    {
        if (_deliveries.Enabled)
        {
            _deliveries.Add(1, new KeyValuePair<string, object?>(StatusTag, StatusName(status)));
        }
    }

    /// <summary>Events of a processed delivery, as it was answered.</summary>
    public void Processed(BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _received.Add(result.Events);
        if (!_events.Enabled)
        {
            return;
        }

        AddEvents(EventOutcome.Sent, result.Outcomes.Sent, null);
        AddEvents(EventOutcome.Duplicate, result.Outcomes.Duplicate, null);
        foreach (var (reason, count) in result.Rejections)
        {
            AddEvents(EventOutcome.Rejected, count, RejectNames[(int)reason]);
        }

        foreach (var (reason, count) in result.Retries)
        {
            AddEvents(EventOutcome.Transient, count, TransientNames[(int)reason]);
        }
    }

    /// <summary>One push of <paramref name="platform"/> (a format name: <c>apple</c>, <c>fcmv1</c>) and how it ended.</summary>
    public void Push(string platform, PushResult result, TransientReason? reason = null)
    {
        if (!_pushes.Enabled)
        {
            return;
        }

        var platformTag = new KeyValuePair<string, object?>(PlatformTag, platform);
        var outcomeTag = new KeyValuePair<string, object?>(OutcomeTag, PushOutcomeName(result));
        if (reason is { } why)
        {
            _pushes.Add(1, platformTag, outcomeTag, new KeyValuePair<string, object?>(ReasonTag, TransientNames[(int)why]));
        }
        else
        {
            _pushes.Add(1, platformTag, outcomeTag);
        }
    }

    /// <summary>How long one send of <paramref name="platform"/> took and how it ended.</summary>
    public void HubSend(string platform, PushResult result, TimeSpan elapsed)
    {
        if (_hubDuration.Enabled)
        {
            _hubDuration.Record(
                elapsed.TotalMilliseconds,
                new KeyValuePair<string, object?>(PlatformTag, platform),
                new KeyValuePair<string, object?>(OutcomeTag, PushOutcomeName(result)));
        }
    }

    /// <summary>Records deleted by one retention sweep.</summary>
    public void RetentionSwept(int deleted) => _retentionDeleted.Add(deleted);

    private void AddEvents(EventOutcome outcome, int count, string? reason)
    {
        if (count == 0)
        {
            return;
        }

        var outcomeTag = new KeyValuePair<string, object?>(OutcomeTag, OutcomeNames[(int)outcome]);
        if (reason is null)
        {
            _events.Add(count, outcomeTag);
        }
        else
        {
            _events.Add(count, outcomeTag, new KeyValuePair<string, object?>(ReasonTag, reason));
        }
    }

    private static string PushOutcomeName(PushResult result) => result switch
    {
        PushResult.Sent => "sent",
        PushResult.Rejected => "rejected",
        PushResult.Transient => "transient",
        _ => "duplicate",
    };

    private static string StatusName(int status) => status switch
    {
        200 => "200",
        400 => "400",
        413 => "413",
        503 => "503",
        _ => "other",
    };

    // snake_case names, computed once: tags never allocate while recording.
    private static string[] Names<T>() where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(v => string.Concat(v.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())))];
}
