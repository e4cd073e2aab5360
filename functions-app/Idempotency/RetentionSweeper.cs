using AcsPush.Functions.Telemetry;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// Deletes idempotency records older than <see cref="IdempotencyOptions.RetentionWindow"/>, so the table holds about one
/// window of events. Bounded work per run: a paged query (<see cref="PageSize"/> records a page) for records created
/// before the cutoff, deletions <see cref="DeleteConcurrency"/> at a time, and no new page or deletion once
/// <see cref="IdempotencyOptions.RetentionBudget"/> is spent. Every record is its own partition, so deletions cannot be
/// batched. Safe beside a delivery and beside another sweep: each delete is conditional on the ETag the query returned
/// (a record claimed or recorded since is left alone: 412), a record already gone is fine (404), and a record whose
/// lease is active is skipped. A delivery that claims a record right after its deletion inserts a new one.
/// </summary>
public sealed partial class RetentionSweeper(
    TableServiceClient serviceClient,
    IOptions<IdempotencyOptions> options,
    TimeProvider timeProvider,
    PushMetrics metrics,
    ILogger<RetentionSweeper> logger)
{
    internal const int PageSize = 200;
    internal const int DeleteConcurrency = 16;

    private static readonly string[] Columns =
        ["PartitionKey", "RowKey", TableIdempotencyStore.CreatedAtProperty, TableIdempotencyStore.LeaseIdProperty, TableIdempotencyStore.LeaseUntilProperty];

    /// <summary>Runs one sweep; throws only when storage fails (the run is then reported failed and the next one retries).</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var started = timeProvider.GetTimestamp();
        var now = timeProvider.GetUtcNow();
        var table = serviceClient.GetTableClient(settings.TableName);
        var filter = ExpiredFilter(now - settings.RetentionWindow);
        var tally = new SweepTally();
        bool OverBudget() => timeProvider.GetElapsedTime(started) >= settings.RetentionBudget;

        using var activity = PipelineTracing.StartRetention();
        var complete = true;
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, PageSize, Columns, cancellationToken).AsPages().ConfigureAwait(false))
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(page.Values, parallel, async (entity, token) =>
                {
                    if (OverBudget())
                    {
                        tally.Count(SweepOutcome.Postponed);
                        return;
                    }

                    tally.Count(TableIdempotencyStore.IsLeaseActive(entity, now)
                        ? SweepOutcome.Leased
                        : await DeleteAsync(table, entity, token).ConfigureAwait(false));
                }).ConfigureAwait(false);

                if (OverBudget())
                {
                    complete = page.ContinuationToken is null && tally.Postponed == 0;
                    break;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: nothing has been recorded, so nothing expires.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PipelineTracing.Failed(activity, "the retention sweep failed");
            LogFailed(logger, ex, tally.Deleted);
            metrics.RetentionSwept(tally.Deleted);
            throw;
        }

        var result = tally.Result(complete, timeProvider.GetElapsedTime(started));
        metrics.RetentionSwept(result.Deleted);
        activity?.SetTag("acspush.retention.deleted", result.Deleted);
        activity?.SetTag("acspush.retention.complete", result.Complete);
        LogSwept(logger, result.Deleted, result.Changed, result.AlreadyGone, result.Leased, result.Elapsed);
        if (!result.Complete)
        {
            LogBacklog(logger, settings.RetentionBudget);
        }

        return result;
    }

    /// <summary>
    /// Records first claimed before <paramref name="cutoff"/>, and records of the layout before one record per event
    /// (no <c>CreatedAt</c>; a row key per push, <c>apple-…</c> or <c>fcmv1-…</c>) whose last write came before it. Row
    /// keys of today's layout are 64 hex digits, so they never fall in those two ranges (<c>p</c> and <c>m</c> are not
    /// hex digits); <c>Timestamp</c> is the service's clock, so it decides only for records that have no <c>CreatedAt</c>.
    /// </summary>
    /// <remarks>Property names are written out: CreateQueryFilter quotes every interpolated value as a literal.</remarks>
    internal static string ExpiredFilter(DateTimeOffset cutoff) =>
        TableClient.CreateQueryFilter(
            $"CreatedAt lt {cutoff} or (Timestamp lt {cutoff} and ((RowKey ge {"apple-"} and RowKey lt {"apple."}) or (RowKey ge {"fcmv1-"} and RowKey lt {"fcmv1."})))");

    /// <summary>Deletes <paramref name="entity"/> if it has not changed since it was read.</summary>
    internal static async Task<SweepOutcome> DeleteAsync(TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            // The client reports a missing entity as a 404 response rather than an exception.
            var response = await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken).ConfigureAwait(false);
            return response.Status == 404 ? SweepOutcome.AlreadyGone : SweepOutcome.Deleted;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return SweepOutcome.Changed; // claimed or recorded since the query: in use again, keep it
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return SweepOutcome.AlreadyGone; // another sweep was first
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep deleted {Deleted} expired idempotency records; kept {Changed} changed since read, {Leased} with an active lease; {AlreadyGone} already gone; took {Elapsed}")]
    private static partial void LogSwept(ILogger logger, int deleted, int changed, int alreadyGone, int leased, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep stopped at its budget of {Budget} with expired records left; the next runs go on")]
    private static partial void LogBacklog(ILogger logger, TimeSpan budget);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed after deleting {Deleted} records; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception, int deleted);

    private sealed class SweepTally
    {
        private readonly int[] _counts = new int[Enum.GetValues<SweepOutcome>().Length];

        public int Deleted => Volatile.Read(ref _counts[(int)SweepOutcome.Deleted]);

        public int Postponed => Volatile.Read(ref _counts[(int)SweepOutcome.Postponed]);

        public void Count(SweepOutcome outcome) => Interlocked.Increment(ref _counts[(int)outcome]);

        public SweepResult Result(bool complete, TimeSpan elapsed) => new(
            Deleted, Volatile.Read(ref _counts[(int)SweepOutcome.Changed]), Volatile.Read(ref _counts[(int)SweepOutcome.AlreadyGone]),
            Volatile.Read(ref _counts[(int)SweepOutcome.Leased]), complete, elapsed);
    }
}

/// <summary>What the sweep did with one expired record.</summary>
public enum SweepOutcome
{
    /// <summary>Deleted.</summary>
    Deleted,

    /// <summary>Kept: it changed after the query read it (a delivery claimed or recorded it).</summary>
    Changed,

    /// <summary>Already deleted (by another sweep).</summary>
    AlreadyGone,

    /// <summary>Kept: a delivery holds its lease.</summary>
    Leased,

    /// <summary>Not looked at: the run's budget was spent.</summary>
    Postponed,
}

/// <summary>One sweep's counts; <see cref="Complete"/> is false when it stopped at its budget with expired records left.</summary>
public sealed record SweepResult(int Deleted, int Changed, int AlreadyGone, int Leased, bool Complete, TimeSpan Elapsed);
