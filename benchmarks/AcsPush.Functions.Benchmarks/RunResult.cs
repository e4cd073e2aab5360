using System.Globalization;
using System.Text;

namespace AcsPush.Functions.Benchmarks;

/// <summary>The measured deliveries of one (schema, batch size, hub latency) combination; all of them checked.</summary>
internal sealed class RunResult(DeliverySchema schema, int batchSize, int hubLatencyMs)
{
    private readonly List<DeliveryOutcome> _outcomes = [];

    public DeliverySchema Schema { get; } = schema;

    public int BatchSize { get; } = batchSize;

    public int HubLatencyMs { get; } = hubLatencyMs;

    public void Add(DeliveryOutcome outcome) => _outcomes.Add(outcome);

    public int Iterations => _outcomes.Count;

    public double EventsPerSecond => BatchSize * Iterations / _outcomes.Sum(o => o.Elapsed.TotalSeconds);

    public double PercentileMs(double percentile)
    {
        var sorted = _outcomes.Select(o => o.Elapsed.TotalMilliseconds).Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double MaxMs => _outcomes.Max(o => o.Elapsed.TotalMilliseconds);

    public int PushesSent => _outcomes.Sum(o => o.Hub.Statuses.GetValueOrDefault(201));

    public string WebhookStatuses => Counts(_outcomes.GroupBy(o => o.Status).Select(g => (g.Key, g.Count())));

    public string HubStatuses => Counts(_outcomes.SelectMany(o => o.Hub.Statuses).GroupBy(s => s.Key).Select(g => (g.Key, g.Sum(s => s.Value))));

    /// <summary>CPU time of this process (webhook, clients and the stand-in hub) per event.</summary>
    public double ProcessCpuMsPerEvent => _outcomes.Sum(o => o.ProcessCpu.TotalMilliseconds) / (BatchSize * Iterations);

    /// <summary>CPU time of the Table storage emulator per event; null when its process was not given.</summary>
    public double? StoreCpuMsPerEvent => _outcomes.All(o => o.StoreCpu is not null)
        ? _outcomes.Sum(o => o.StoreCpu!.Value.TotalMilliseconds) / (BatchSize * Iterations)
        : null;

    public string[] Cells() =>
    [
        Schema == DeliverySchema.EventGrid ? "Event Grid" : "CloudEvents",
        BatchSize.ToString("N0", CultureInfo.InvariantCulture),
        HubLatencyMs.ToString(CultureInfo.InvariantCulture),
        Iterations.ToString(CultureInfo.InvariantCulture),
        EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        PercentileMs(50).ToString("N1", CultureInfo.InvariantCulture),
        PercentileMs(95).ToString("N1", CultureInfo.InvariantCulture),
        MaxMs.ToString("N1", CultureInfo.InvariantCulture),
        ProcessCpuMsPerEvent.ToString("N2", CultureInfo.InvariantCulture),
        StoreCpuMsPerEvent?.ToString("N2", CultureInfo.InvariantCulture) ?? "n/a",
        PushesSent.ToString("N0", CultureInfo.InvariantCulture),
        WebhookStatuses,
        HubStatuses,
    ];

    public static readonly string[] Headers =
    [
        "Schema", "Events/batch", "Hub latency (ms)", "Batches", "Events/s", "p50 (ms)", "p95 (ms)", "Max (ms)", "CPU ms/event", "Store CPU ms/event", "Pushes sent",
        "Webhook statuses", "Hub statuses",
    ];

    private static string Counts(IEnumerable<(int Status, int Count)> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Status).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Status}×{c.Count:N0}")));

    /// <summary>A Markdown table of <paramref name="results"/>.</summary>
    public static string MarkdownTable(IEnumerable<RunResult> results)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Headers).AppendLine(" |");
        text.Append('|').AppendJoin('|', Headers.Select((_, i) => i is 0 or >= 11 ? "---" : "---:")).AppendLine("|");
        foreach (var result in results)
        {
            text.Append("| ").AppendJoin(" | ", result.Cells()).AppendLine(" |");
        }

        return text.ToString();
    }
}
