using Microsoft.Azure.Functions.Worker;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// Timer function that keeps the idempotency table bounded: on <see cref="IdempotencyOptions.RetentionSchedule"/> it
/// runs one <see cref="RetentionSweeper"/> sweep. The host holds a blob lease in its own storage
/// (<c>AzureWebJobsStorage</c>), so one instance runs a schedule occurrence however many are up.
/// </summary>
public sealed class ExpireIdempotencyRecords(RetentionSweeper sweeper)
{
    /// <summary>Deletes the records older than the retention window, within the run's budget.</summary>
    [Function(nameof(ExpireIdempotencyRecords))]
    public async Task RunAsync(
        [TimerTrigger("%Idempotency:RetentionSchedule%")] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
    }
}
