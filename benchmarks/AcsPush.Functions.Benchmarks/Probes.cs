using System.Runtime;

namespace AcsPush.Functions.Benchmarks;

/// <summary>Resources one delivery used, per part of the system.</summary>
internal sealed record ResourceUse(double PipelineCpuMs, double HubCpuMs, double? StoreCpuMs, long JitMethods, double JitMs, int Gen0, int Gen1, int Gen2);

/// <summary>Readings taken right before and right after a delivery.</summary>
internal readonly record struct Sample(TimeSpan Pipeline, TimeSpan? Hub, TimeSpan? Store, long JitMethods, TimeSpan JitTime, int Gen0, int Gen1, int Gen2)
{
    public ResourceUse Minus(Sample before) => new(
        (Pipeline - before.Pipeline).TotalMilliseconds,
        (Hub - before.Hub)?.TotalMilliseconds ?? double.NaN,
        (Store - before.Store)?.TotalMilliseconds,
        JitMethods - before.JitMethods,
        (JitTime - before.JitTime).TotalMilliseconds,
        Gen0 - before.Gen0,
        Gen1 - before.Gen1,
        Gen2 - before.Gen2);
}

/// <summary>
/// Everything measured around a delivery: the CPU time of the function's process, of the stand-in hub and of the
/// store (emulator plus delay proxy), JIT and GC activity, and the HTTP round trips to hub and store.
/// </summary>
internal sealed class Probes(StandInProcess hub, StandInProcess storeProxy, int? storePid, RoundTrips roundTrips) : IAsyncDisposable
{
    public StandInProcess Hub => hub;

    public StandInProcess StoreProxy => storeProxy;

    public async Task ResetAsync()
    {
        var answer = await hub.SendAsync("reset");
        if (answer != "ok")
        {
            throw new InvalidOperationException($"The stand-in hub did not reset: {answer}");
        }

        roundTrips.Reset();
    }

    public Sample Sample()
    {
        TimeSpan? store = storePid is { } pid ? ProcessCpu.Of([pid, storeProxy.Pid]) : null;
        return new Sample(
            Environment.CpuUsage.TotalTime,
            hub.CpuTime(),
            store,
            JitInfo.GetCompiledMethodCount(currentThread: false),
            JitInfo.GetCompilationTime(currentThread: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));
    }

    public async Task<HubTally> HubTallyAsync() => HubTally.Parse(await hub.SendAsync("tally"));

    public RoundTripStats StoreRoundTrips() => roundTrips.For(storeProxy.Port);

    public RoundTripStats HubRoundTrips() => roundTrips.For(hub.Port);

    public async ValueTask DisposeAsync()
    {
        roundTrips.Dispose();
        await hub.DisposeAsync();
        await storeProxy.DisposeAsync();
    }
}
