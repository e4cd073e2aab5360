using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using static AcsPush.Functions.Benchmarks.BenchmarkProgram;

namespace AcsPush.Functions.Benchmarks;

/// <summary>One run: stand-ins up, pipelines built, warm-up, every combination, the sequential baseline.</summary>
internal sealed class BenchmarkRun(BenchmarkOptions options, TextWriter output, Probes probes, WebhookPipeline concurrent, WebhookPipeline sequential)
{
    /// <summary>A warm-up has settled once the deliveries of its last few seconds JIT-compiled at most this many methods.</summary>
    private const int SettledJitMethods = 10;
    private static readonly TimeSpan SettledWindow = TimeSpan.FromSeconds(5);

    // The sequential loop runs the same code, but its single-event deliveries take branches of their own: they get
    // a warm-up of their own by the same rule, shorter since JIT is mostly done by then.
    private static readonly TimeSpan SequentialWarmUpMinimum = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SequentialWarmUpMaximum = TimeSpan.FromSeconds(30);

    private int _eventsHandled;

    /// <summary>Runs everything; null when a delivery was wrong (already reported on standard error).</summary>
    public static async Task<RunRecord?> RunAsync(BenchmarkOptions options, ProductionLogging logging)
    {
        var output = logging.Report;
        var started = DateTimeOffset.UtcNow;
        var loadBefore = ProcessCpu.LoadAverage();
        var machine = MachineInfo.Current();
        foreach (var line in machine.Lines())
        {
            output.WriteLine(line);
        }

        var store = TableEndpoint.Parse(options.TablesConnectionString);
        var hub = await StandInProcess.StartAsync(options.StandInsPath,
            ["hub", "--key-name", WebhookPipeline.HubKeyName, "--key", WebhookPipeline.HubKey, "--protocol", options.HubProtocol]);
        var proxy = await StandInProcess.StartAsync(options.StandInsPath, ["store-proxy", "--target", store.Target.ToString()]);
        await using var probes = new Probes(hub, proxy, options.StorePid, new RoundTrips());

        var tableName = "bench" + Guid.NewGuid().ToString("N")[..12];
        var tables = new TableServiceClient(options.TablesConnectionString);
        try
        {
            // Created up front, straight at the store, so the first delivery does not pay for it.
            await tables.CreateTableIfNotExistsAsync(tableName);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            throw new InvalidOperationException($"Table storage at {store.Endpoint} did not create the benchmark table; start Azurite or pass --tables.", ex);
        }

        try
        {
            var bodyLimit = options.Schemas.Max(schema => WebhookPipeline.BodyLimitFor(schema, options.BatchSizes.Max()));
            var setup = new PipelineSetup(
                new Uri($"http://127.0.0.1:{hub.Port}/"), store.ThroughProxy(options.TablesConnectionString, proxy.Port), tableName,
                options.MaxConcurrency, bodyLimit, options.HubProtocol, options.HubMaxConnections);
            await using var concurrent = WebhookPipeline.Start(setup, logging);
            await using var sequential = WebhookPipeline.Start(setup with { MaxConcurrency = 1 }, logging);
            var settings = SettingsLines(options, concurrent, store, bodyLimit);
            foreach (var line in settings)
            {
                output.WriteLine(line);
            }

            var run = new BenchmarkRun(options, output, probes, concurrent, sequential);
            if (await run.MeasureAllAsync() is not var (warmUp, results))
            {
                return null;
            }

            await concurrent.DisposeAsync();
            await sequential.DisposeAsync();
            return new RunRecord(started, machine, StandInProcess.RuntimeSettings(), settings, loadBefore, ProcessCpu.LoadAverage(),
                warmUp, results, logging.CountLines(), run._eventsHandled);
        }
        finally
        {
            await tables.DeleteTableAsync(tableName);
        }
    }

    private async Task<(WarmUpRecord, List<Figures>)?> MeasureAllAsync()
    {
        var concurrency = concurrent.Settings.MaxConcurrency;
        var results = new List<Figures>();
        WarmUpRecord? warmUp = null;
        foreach (var schema in options.Schemas)
        {
            var deliveries = new ChatDeliveries(schema, options.RedeliveredPercent);
            var singles = new ChatDeliveries(schema, options.RedeliveredPercent);
            foreach (var hubLatency in options.HubLatenciesMs)
            {
                foreach (var storeLatency in options.StoreLatenciesMs)
                {
                    await probes.Hub.SetLatencyAsync(hubLatency);
                    await probes.StoreProxy.SetLatencyAsync(storeLatency);
                    foreach (var size in options.BatchSizes)
                    {
                        var combination = new Combination(schema.ToString(), size, hubLatency, storeLatency, concurrency, Sequential: false);
                        output.WriteLine();
                        output.WriteLine(combination.Name);
                        if (warmUp is null)
                        {
                            warmUp = await WarmUpAsync(concurrent, deliveries, size, options.WarmUpMinimum, options.WarmUpMaximum);
                            if (warmUp is null)
                            {
                                return null;
                            }
                        }
                        else if (await DeliverAsync(concurrent, deliveries, size, "settle") is null)
                        {
                            return null;
                        }

                        if (await MeasureAsync(combination, concurrent, deliveries, options.Iterations) is not { } figures)
                        {
                            return null;
                        }

                        results.Add(figures);
                    }

                    if (options.SequentialEvents > 0)
                    {
                        var baseline = new Combination(schema.ToString(), 1, hubLatency, storeLatency, 1, Sequential: true);
                        output.WriteLine();
                        output.WriteLine(baseline.Name);
                        if (await WarmUpAsync(sequential, singles, 1, SequentialWarmUpMinimum, SequentialWarmUpMaximum) is null
                            || await MeasureAsync(baseline, sequential, singles, options.SequentialEvents) is not { } figures)
                        {
                            return null;
                        }

                        results.Add(figures);
                    }
                }
            }
        }

        return (warmUp!, results);
    }

    // Deliveries until JIT has settled (see SettledJitMethods), within the set bounds; progress printed for the
    // concurrent warm-up only (the sequential one would print a line per event).
    private async Task<WarmUpRecord?> WarmUpAsync(WebhookPipeline pipeline, ChatDeliveries deliveries, int size, TimeSpan minimum, TimeSpan maximum)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new List<(TimeSpan At, DeliveryOutcome Outcome)>();
        bool settled;
        while (true)
        {
            var outcome = await DeliverAsync(pipeline, deliveries, size, size > 1 ? Invariant($"warm-up {outcomes.Count + 1}") : null);
            if (outcome is null)
            {
                return null;
            }

            outcomes.Add((clock.Elapsed, outcome));
            var recent = outcomes.Where(o => o.At >= clock.Elapsed - SettledWindow).Sum(o => o.Outcome.Use.JitMethods);
            settled = clock.Elapsed >= minimum && recent <= SettledJitMethods;
            if (settled || clock.Elapsed >= maximum)
            {
                break;
            }
        }

        var record = new WarmUpRecord(
            outcomes.Count,
            outcomes.Sum(o => o.Outcome.Events),
            clock.Elapsed.TotalSeconds,
            outcomes.Sum(o => o.Outcome.Use.JitMethods),
            outcomes[^1].Outcome.Use.JitMethods,
            settled,
            outcomes[0].Outcome.ElapsedMs,
            outcomes[0].Outcome.Events,
            outcomes.Select(o => o.Outcome.Events / o.Outcome.ElapsedMs * 1000).ToArray(),
            outcomes.Select(o => o.Outcome.Use.JitMethods).ToArray());
        output.WriteLine(Invariant(
            $"Warm-up: {record.Deliveries} deliveries, {record.Events:N0} events, {record.Seconds:N1} s, {record.JitMethods:N0} methods JIT-compiled; {(settled ? "settled" : "NOT settled")} (at most {SettledJitMethods} methods in the last {SettledWindow.TotalSeconds:N0} s, after at least {minimum.TotalSeconds:N0} s)"));
        return record;
    }

    private async Task<Figures?> MeasureAsync(Combination combination, WebhookPipeline pipeline, ChatDeliveries deliveries, int count)
    {
        var outcomes = new List<DeliveryOutcome>();
        for (var i = 1; i <= count; i++)
        {
            // The sequential baseline prints a line every tenth delivery only.
            var label = !combination.Sequential || i % 10 == 0 || i == count ? Invariant($"delivery {i}/{count}") : null;
            if (await DeliverAsync(pipeline, deliveries, combination.EventsPerDelivery, label) is not { } outcome)
            {
                return null;
            }

            outcomes.Add(outcome);
        }

        var figures = Figures.Of(combination, outcomes);
        output.WriteLine(Invariant(
            $"=> {figures.EventsPerSecond:N0} events/s, p50 {figures.P50Ms:N1} ms, p95 {figures.P95Ms:N1} ms; CPU µs/event: pipeline {figures.PipelineCpuUsPerEvent:N0}, hub {figures.HubCpuUsPerEvent:N0}, store {figures.StoreCpuUsPerEvent?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"}; S {figures.StoreRoundTripMs:N2} ms; {figures.ShareOfBound:P0} of C/(L+S) = {figures.Bound:N0} events/s"));
        return figures;
    }

    // One delivery, checked; prints a line when labelled; null (after printing why) when it was wrong.
    private async Task<DeliveryOutcome?> DeliverAsync(WebhookPipeline pipeline, ChatDeliveries deliveries, int size, string? label)
    {
        var delivery = deliveries.Next(size);
        var outcome = await pipeline.DeliverAsync(delivery, probes);
        if (outcome.Error is not null)
        {
            await Console.Error.WriteLineAsync(Invariant(
                $"WRONG RUN ({label ?? "delivery"}, {delivery.Events} events, {delivery.Redelivered.Count} repeated, {outcome.ElapsedMs:N0} ms): {outcome.Error}"));
            await Console.Error.WriteLineAsync("No figures are reported for a run that did not do its job.");
            return null;
        }

        deliveries.Handled(delivery);
        _eventsHandled += delivery.Events;
        if (label is not null)
        {
            var use = outcome.Use;
            output.WriteLine(Invariant(
                $"  {label}: {outcome.Events} events ({outcome.Redelivered} repeated) in {outcome.ElapsedMs:N1} ms = {outcome.Events / outcome.ElapsedMs * 1000:N0}/s; CPU ms pipeline {use.PipelineCpuMs:N0}, hub {use.HubCpuMs:N0}, store {use.StoreCpuMs?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"}; JIT {use.JitMethods} methods; S {outcome.Store.MeanMs:N1} ms x {outcome.Store.Count}"));
        }

        return outcome;
    }

    private static List<string> SettingsLines(BenchmarkOptions options, WebhookPipeline pipeline, TableEndpoint store, int bodyLimit)
    {
        var runtime = StandInProcess.RuntimeSettings();
        return
        [
            Invariant($"Webhook:MaxConcurrency={pipeline.Settings.MaxConcurrency}, Webhook:ProcessingDeadline={pipeline.Settings.ProcessingDeadline}, Webhook:MaxRequestBodyBytes={bodyLimit}; other app settings at their defaults"),
            Invariant($"Repeated events: {options.RedeliveredPercent} % of each delivery; measured deliveries per combination: {options.Iterations}; sequential baseline: {options.SequentialEvents} single-event deliveries at MaxConcurrency=1, after a warm-up of its own ({SequentialWarmUpMinimum.TotalSeconds:N0}-{SequentialWarmUpMaximum.TotalSeconds:N0} s, same rule)"),
            Invariant($"Warm-up: deliveries of the first combination for {options.WarmUpMinimum.TotalSeconds:N0}-{options.WarmUpMaximum.TotalSeconds:N0} s until the last {SettledWindow.TotalSeconds:N0} s JIT-compiled at most {SettledJitMethods} methods; one unmeasured delivery before each later combination"),
            Invariant($"Hub client: {options.HubProtocol}, MaxConnectionsPerServer {options.HubMaxConnections?.ToString(CultureInfo.InvariantCulture) ?? "default"}; store: {store.Endpoint} behind the delay proxy; store CPU {(options.StorePid is null ? "not measured (no --store-pid)" : "= emulator + proxy")}"),
            "Runtime settings: " + (runtime.Count == 0 ? "defaults" : string.Join(", ", runtime.Select(r => $"{r.Key}={r.Value}"))),
        ];
    }
}
