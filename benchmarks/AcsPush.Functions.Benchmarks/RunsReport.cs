using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static AcsPush.Functions.Benchmarks.BenchmarkProgram;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// The Markdown report of one or more runs: per combination the median over runs with the range (min-max) and
/// the spread ((max - min) / median), then every run on its own with the machine's load around it.
/// </summary>
internal static class RunsReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary><c>report --out results.md [--command "text"] run1.json run2.json ...</c></summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var files = args.Where((arg, i) => !arg.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToArray();
        var flags = BenchmarkOptions.ParseFlags(args.Except(files).ToArray(), ["--out", "--command"]);
        if (files.Length == 0 || !flags.TryGetValue("--out", out var output))
        {
            await Console.Error.WriteLineAsync("Usage: report --out results.md [--command \"text\"] run1.json run2.json ...");
            return 64;
        }

        var runs = new List<RunRecord>();
        foreach (var file in files)
        {
            runs.Add(JsonSerializer.Deserialize<RunRecord>(await File.ReadAllTextAsync(file), Json)
                ?? throw new InvalidOperationException($"{file} holds no run."));
        }

        var markdown = Markdown(runs, flags.GetValueOrDefault("--command") ?? "(not given)");
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine(markdown);
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    public static string Markdown(IReadOnlyList<RunRecord> runs, string command)
    {
        var first = runs[0];
        var text = new StringBuilder();
        text.AppendLine("# Webhook benchmark results").AppendLine();
        text.AppendLine(Invariant($"{runs.Count} run(s), {first.StartedUtc:yyyy-MM-dd HH:mm} to {runs[^1].StartedUtc:HH:mm} UTC, with `{command}`.")).AppendLine();
        foreach (var line in first.Machine.Lines().Concat(first.SettingsLines))
        {
            text.AppendLine(Invariant($"- {line}"));
        }

        text.AppendLine().AppendLine(
            "Events/s counts every event of a delivery (repeated ones included) over the summed delivery time; p50/p95 are of "
            + "the time `EventGridWebhook.RunAsync` took per delivery (nearest rank). CPU per event: pipeline = the process that runs "
            + "the function app (its logging included), hub = the stand-in hub's process, store = the Table storage emulator's and "
            + "the delay proxy's. S = mean store round trip seen by the app's HTTP client; C/(L+S) = MaxConcurrency over (hub latency "
            + "+ S). × sequential = events/s over the same run's sequential baseline. Median of the runs, range in brackets. Every "
            + "delivery was checked: status 200, one signed `apple` and one `fcmv1` push per fresh event's recipient, none for "
            + "repeated events.");
        text.AppendLine();

        var byCombination = runs.SelectMany((run, index) => run.Results.Select(figures => (Run: index, Figures: figures)))
            .GroupBy(entry => entry.Figures.Combination)
            .ToArray();

        text.AppendLine("| Combination | Events/s | Spread | p50 (ms) | p95 (ms) | Pipeline CPU µs/event | Hub CPU µs/event | Store CPU µs/event | S (ms) | Share of C/(L+S) | × sequential |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in byCombination)
        {
            var entries = group.ToArray();
            var ratios = entries.Select(e => RatioToSequential(runs[e.Run], e.Figures)).OfType<double>().ToArray();
            text.AppendLine(Invariant(
                $"| {group.Key.Name} | {Range(entries.Select(e => e.Figures.EventsPerSecond), "N0")} | {Spread(entries.Select(e => e.Figures.EventsPerSecond))} | {Range(entries.Select(e => e.Figures.P50Ms), "N1")} | {Range(entries.Select(e => e.Figures.P95Ms), "N1")} | {Range(entries.Select(e => e.Figures.PipelineCpuUsPerEvent), "N0")} | {Range(entries.Select(e => e.Figures.HubCpuUsPerEvent), "N0")} | {Range(entries.Select(e => e.Figures.StoreCpuUsPerEvent ?? double.NaN), "N0")} | {Range(entries.Select(e => e.Figures.StoreRoundTripMs), "N2")} | {Range(entries.Select(e => e.Figures.ShareOfBound * 100), "N0")} % | {(ratios.Length == 0 ? "n/a" : Range(ratios, "N1"))} |"));
        }

        text.AppendLine().AppendLine("Per run:").AppendLine();
        text.AppendLine("| Run | Load before → after | Warm-up | First delivery | Log lines/event |");
        text.AppendLine("|---:|---|---|---:|---:|");
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var warmUp = run.WarmUp;
            text.AppendLine(Invariant(
                $"| {i + 1} | {run.LoadAverageBefore} → {run.LoadAverageAfter} | {warmUp.Deliveries} deliveries, {warmUp.Events:N0} events, {warmUp.Seconds:N1} s, {warmUp.JitMethods:N0} methods JIT-compiled, {(warmUp.Settled ? "settled" : "not settled")} | {warmUp.FirstDeliveryMs:N0} ms ({warmUp.FirstDeliveryEvents:N0} events) | {(double)run.LogLines / run.EventsHandled:N2} |"));
        }

        text.AppendLine();
        text.AppendLine("| Run | Combination | Events/s | p50 (ms) | p95 (ms) | Pipeline / hub / store CPU µs/event | S (ms) | Store requests/event | Hub requests/event | Share of C/(L+S) | × sequential | JIT methods while measured | Hub connections |");
        text.AppendLine("|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var group in byCombination)
        {
            foreach (var (run, figures) in group)
            {
                var ratio = RatioToSequential(runs[run], figures);
                text.AppendLine(Invariant(
                    $"| {run + 1} | {group.Key.Name} | {figures.EventsPerSecond:N0} | {figures.P50Ms:N1} | {figures.P95Ms:N1} | {figures.PipelineCpuUsPerEvent:N0} / {figures.HubCpuUsPerEvent:N0} / {Number(figures.StoreCpuUsPerEvent, "N0")} | {figures.StoreRoundTripMs:N2} | {figures.StoreRequestsPerEvent:N2} | {figures.HubRequestsPerEvent:N2} | {figures.ShareOfBound * 100:N0} % | {Number(ratio, "N1")} | {figures.JitMethods:N0} | {figures.HubConnections} ({figures.HubProtocols}) |"));
            }
        }

        return text.ToString();
    }

    private static double? RatioToSequential(RunRecord run, Figures figures)
    {
        var key = figures.Combination;
        if (key.Sequential)
        {
            return null;
        }

        var baseline = run.Results.FirstOrDefault(f => f.Combination.Sequential && f.Combination.Schema == key.Schema
            && f.Combination.HubLatencyMs == key.HubLatencyMs && f.Combination.StoreLatencyMs == key.StoreLatencyMs);
        return baseline is null ? null : figures.EventsPerSecond / baseline.EventsPerSecond;
    }

    // "median (min-max)", or the value alone for a single run.
    private static string Range(IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Any(double.IsNaN))
        {
            return "n/a";
        }

        var median = Median(sorted);
        return sorted.Length == 1
            ? median.ToString(format, CultureInfo.InvariantCulture)
            : Invariant($"{median.ToString(format, CultureInfo.InvariantCulture)} ({sorted[0].ToString(format, CultureInfo.InvariantCulture)}-{sorted[^1].ToString(format, CultureInfo.InvariantCulture)})");
    }

    private static string Spread(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length < 2 ? "1 run" : Invariant($"{(sorted[^1] - sorted[0]) / Median(sorted) * 100:N0} %");
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";
}
