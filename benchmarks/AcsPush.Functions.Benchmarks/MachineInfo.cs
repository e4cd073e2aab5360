using System.Runtime;
using System.Runtime.InteropServices;

namespace AcsPush.Functions.Benchmarks;

/// <summary>The machine a run came from, so figures are never read without it.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string OperatingSystem, string Runtime, string GarbageCollector)
{
    public static MachineInfo Current() => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})",
        GCSettings.IsServerGC ? "server" : "workstation");

    public IEnumerable<string> Lines() =>
    [
        $"CPU: {Cpu}",
        $"Cores: {Cores}",
        $"OS: {OperatingSystem}",
        $".NET: {Runtime}, {GarbageCollector} GC",
    ];

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return "unknown (no /proc/cpuinfo)";
        }

        var line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2) is [_, var model] ? model.Trim() : "unknown";
    }
}
