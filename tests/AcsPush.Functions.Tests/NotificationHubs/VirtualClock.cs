namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>
/// Virtual time for code that waits and times out through <see cref="TimeProvider"/>, so tests cost no real time.
/// A wait (any timer but a <see cref="CancellationTokenSource"/>'s, such as <c>Task.Delay</c>) passes at once: it moves
/// the clock forward by its length and is recorded in <see cref="Delays"/>. A timeout (the timer of a
/// <see cref="CancellationTokenSource"/>) fires only when the clock passes its due time, through a wait or through
/// <see cref="Advance"/>, which a stand-in hub calls to take its time.
/// </summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<TimeSpan> delays = [];
    private readonly List<TimeoutTimer> pending = [];
    private TimeSpan elapsed;

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
            return start + elapsed;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (gate)
        {
            return elapsed.Ticks;
        }
    }

    /// <summary>Moves the clock forward and fires, earliest first, every timeout that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        List<TimeoutTimer> due;
        lock (gate)
        {
            elapsed += by;
            due = [.. pending.Where(t => t.DueAt <= elapsed).OrderBy(t => t.DueAt)];
            pending.RemoveAll(due.Contains);
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (state is CancellationTokenSource)
        {
            var timeout = new TimeoutTimer(this, () => callback(state));
            timeout.Change(dueTime, period);
            return timeout;
        }

        lock (gate)
        {
            delays.Add(dueTime);
        }

        // Completing the wait on another thread, as a real timer would, keeps its continuation off the caller's stack.
        ThreadPool.QueueUserWorkItem(_ =>
        {
            Advance(dueTime);
            callback(state);
        });
        return new TimeoutTimer(this, () => { });
    }

    /// <summary>A timeout's timer: pending until the clock reaches <see cref="DueAt"/>, or until changed or disposed.</summary>
    private sealed class TimeoutTimer(VirtualClock clock, Action fire) : ITimer
    {
        public TimeSpan DueAt { get; private set; }

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
            {
                clock.pending.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = clock.elapsed + dueTime;
                    clock.pending.Add(this);
                }
            }

            return true;
        }

        public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
