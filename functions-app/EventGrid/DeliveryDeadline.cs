namespace AcsPush.Functions.EventGrid;

/// <summary>
/// The time limits of one delivery, from <see cref="WebhookOptions.ProcessingDeadline"/>: claims and sends must end by
/// <see cref="SendBy"/>, which leaves a reserve (a fifth of the deadline, at most <see cref="MaxRecordReserve"/>) for
/// recording what was sent, and everything must end by <see cref="AnswerBy"/>. Both tokens also fire when the caller
/// goes away.
/// </summary>
public sealed class DeliveryDeadline : IDisposable
{
    /// <summary>Most time kept after the last send for recording the outcomes.</summary>
    public static readonly TimeSpan MaxRecordReserve = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource[] _sources;

    private DeliveryDeadline(DateTimeOffset sendBy, DateTimeOffset answerBy, CancellationTokenSource[] sources, CancellationToken sendToken, CancellationToken token)
    {
        SendBy = sendBy;
        AnswerBy = answerBy;
        SendToken = sendToken;
        Token = token;
        _sources = sources;
    }

    /// <summary>When claims and sends must be over.</summary>
    public DateTimeOffset SendBy { get; }

    /// <summary>When every storage and hub call must be over and the delivery is answered.</summary>
    public DateTimeOffset AnswerBy { get; }

    /// <summary>Fires at <see cref="SendBy"/>.</summary>
    public CancellationToken SendToken { get; }

    /// <summary>Fires at <see cref="AnswerBy"/>.</summary>
    public CancellationToken Token { get; }

    /// <summary>Starts the clock of a delivery that may take <paramref name="processingDeadline"/>.</summary>
    public static DeliveryDeadline Start(TimeSpan processingDeadline, TimeProvider timeProvider, CancellationToken aborted = default)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var reserve = TimeSpan.FromTicks(Math.Min(processingDeadline.Ticks / 5, MaxRecordReserve.Ticks));
        var now = timeProvider.GetUtcNow();
        // Timers from the injected TimeProvider, so tests can move time; linked with the caller's abort.
        var answerTimer = new CancellationTokenSource(processingDeadline, timeProvider);
        var sendTimer = new CancellationTokenSource(processingDeadline - reserve, timeProvider);
        var answer = CancellationTokenSource.CreateLinkedTokenSource(answerTimer.Token, aborted);
        var send = CancellationTokenSource.CreateLinkedTokenSource(sendTimer.Token, answer.Token);
        return new DeliveryDeadline(
            now + processingDeadline - reserve, now + processingDeadline, [send, answer, sendTimer, answerTimer], send.Token, answer.Token);
    }

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
