using System.Globalization;

namespace AcsPush.Functions.Benchmarks;

/// <summary>
/// CPU time of the Table storage emulator's process (Linux <c>/proc/&lt;pid&gt;/stat</c>), so a run shows how the
/// machine's CPU splits between the function and its store.
/// </summary>
internal sealed class StoreProcess(int pid)
{
    // USER_HZ: the unit of utime/stime in /proc; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    public TimeSpan? CpuTime()
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
}
