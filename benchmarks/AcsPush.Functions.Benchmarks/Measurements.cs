namespace AcsPush.Functions.Benchmarks;

/// <summary>One timed delivery and what it produced; <see cref="Error"/> is null when it did exactly its job.</summary>
internal sealed record DeliveryOutcome(
    int Events,
    int Fresh,
    int Redelivered,
    double ElapsedMs,
    int Status,
    ResourceUse Use,
    RoundTripStats Store,
    RoundTripStats Hub,
    int HubConnections,
    string HubProtocols,
    string? Error)
{
    public static DeliveryOutcome Failed(Delivery delivery, TimeSpan elapsed, string error) => new(
        delivery.Events, delivery.Fresh.Count, delivery.Redelivered.Count, elapsed.TotalMilliseconds, 0,
        new ResourceUse(0, 0, null, 0, 0, 0, 0, 0), RoundTripStats.None, RoundTripStats.None, 0, string.Empty, error);
}

/// <summary>What a combination is: the conditions its deliveries ran under.</summary>
internal sealed record Combination(string Schema, int EventsPerDelivery, int HubLatencyMs, int StoreLatencyMs, int Concurrency, bool Sequential)
{
    public string Name => Sequential
        ? $"sequential baseline, {Schema}, hub {HubLatencyMs} ms, store +{StoreLatencyMs} ms"
        : $"{Schema}, {EventsPerDelivery:N0} events, hub {HubLatencyMs} ms, store +{StoreLatencyMs} ms, concurrency {Concurrency}";
}

/// <summary>
/// The figures of one combination in one run, from its measured deliveries (all checked). Events/s counts every
/// event of a delivery, repeated ones included, over the summed delivery time. S is the mean store round trip the
/// function saw; the bound C/(L+S) is what <see cref="Combination.Concurrency"/> slots would reach if each event
/// held its slot for one hub latency L plus one store round trip.
/// </summary>
internal sealed record Figures(
    Combination Combination,
    int Deliveries,
    int Events,
    int Redelivered,
    double EventsPerSecond,
    double P50Ms,
    double P95Ms,
    double PipelineCpuUsPerEvent,
    double HubCpuUsPerEvent,
    double? StoreCpuUsPerEvent,
    double StoreRoundTripMs,
    double StoreRequestsPerEvent,
    double HubRoundTripMs,
    double HubRequestsPerEvent,
    double Bound,
    double ShareOfBound,
    long JitMethods,
    int Gen2Collections,
    int HubConnections,
    string HubProtocols)
{
    public static Figures Of(Combination combination, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        var events = outcomes.Sum(o => o.Events);
        var seconds = outcomes.Sum(o => o.ElapsedMs) / 1000;
        var latencies = outcomes.Select(o => o.ElapsedMs).Order().ToArray();
        var storeTrips = outcomes.Sum(o => o.Store.Count);
        var hubTrips = outcomes.Sum(o => o.Hub.Count);
        var storeMs = storeTrips == 0 ? 0 : outcomes.Sum(o => o.Store.MeanMs * o.Store.Count) / storeTrips;
        var hubMs = hubTrips == 0 ? 0 : outcomes.Sum(o => o.Hub.MeanMs * o.Hub.Count) / hubTrips;
        var rate = events / seconds;
        var bound = combination.Concurrency / ((combination.HubLatencyMs + storeMs) / 1000);
        return new Figures(
            combination,
            outcomes.Count,
            events,
            outcomes.Sum(o => o.Redelivered),
            rate,
            Percentile.Of(latencies, 50),
            Percentile.Of(latencies, 95),
            PerEventUs(outcomes.Sum(o => o.Use.PipelineCpuMs), events),
            PerEventUs(outcomes.Sum(o => o.Use.HubCpuMs), events),
            outcomes.All(o => o.Use.StoreCpuMs is not null) ? PerEventUs(outcomes.Sum(o => o.Use.StoreCpuMs!.Value), events) : null,
            storeMs,
            (double)storeTrips / events,
            hubMs,
            (double)hubTrips / events,
            bound,
            rate / bound,
            outcomes.Sum(o => o.Use.JitMethods),
            outcomes.Sum(o => o.Use.Gen2),
            outcomes.Max(o => o.HubConnections),
            string.Join(", ", outcomes.Select(o => o.HubProtocols).Where(p => p.Length > 0).Distinct()));
    }

    private static double PerEventUs(double totalMs, int events) => totalMs * 1000 / events;
}

/// <summary>How the run warmed up before anything was measured.</summary>
internal sealed record WarmUpRecord(
    int Deliveries,
    int Events,
    double Seconds,
    long JitMethods,
    long JitMethodsLastDelivery,
    bool Settled,
    double FirstDeliveryMs,
    int FirstDeliveryEvents,
    IReadOnlyList<double> EventsPerSecondByDelivery,
    IReadOnlyList<long> JitMethodsByDelivery);

/// <summary>One run: one process, one warm-up, every combination measured once, then the sequential baseline.</summary>
internal sealed record RunRecord(
    DateTimeOffset StartedUtc,
    MachineInfo Machine,
    IReadOnlyDictionary<string, string> RuntimeSettings,
    IReadOnlyList<string> SettingsLines,
    string LoadAverageBefore,
    string LoadAverageAfter,
    WarmUpRecord WarmUp,
    IReadOnlyList<Figures> Results,
    long LogLines,
    int EventsHandled);
