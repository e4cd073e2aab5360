namespace AcsPush.Functions.Tests.Webhook;

/// <summary>The system clock moved by <see cref="Offset"/>: a process started later, as after a crash and restart. Timers run in real time.</summary>
internal sealed class OffsetClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
