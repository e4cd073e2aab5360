using System.Globalization;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// CPU time of another process (Linux <c>/proc/&lt;pid&gt;/stat</c>, user + system), so a run shows how the
/// machine's CPU splits between the function, the stand-in hub and the store.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: the unit of utime/stime in /proc; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    /// <summary>The process's CPU time so far; null when it cannot be read (no /proc, or the process is gone).</summary>
    public static TimeSpan? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Summed CPU time of <paramref name="pids"/>; null when any of them cannot be read.</summary>
    public static TimeSpan? Of(IEnumerable<int> pids)
    {
        var total = TimeSpan.Zero;
        foreach (var pid in pids)
        {
            if (Of(pid) is not { } cpu)
            {
                return null;
            }

            total += cpu;
        }

        return total;
    }

    /// <summary>The machine's load averages over 1, 5 and 15 minutes, as <c>uptime</c> prints them.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
