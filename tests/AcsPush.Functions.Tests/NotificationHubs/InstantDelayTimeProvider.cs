namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>
/// Virtual clock whose timers fire at once: each timer moves the clock forward by its due time and is recorded,
/// so retry waits cost no real time and tests can read which waits were asked for.
/// </summary>
internal sealed class InstantDelayTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<TimeSpan> delays = [];
    private TimeSpan advanced;

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (gate)
            {
                return [.. delays];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return start + advanced;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (gate)
        {
            return advanced.Ticks;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            advanced += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return new NoTimer();
        }

        lock (gate)
        {
            delays.Add(dueTime);
            advanced += dueTime;
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
