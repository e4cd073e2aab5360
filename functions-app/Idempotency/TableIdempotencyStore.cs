using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// <see cref="IIdempotencyStore"/> on Azure Table storage: one entity per event (partition key and row key: the event's
/// <see cref="EventKey"/>) with a state column per format (<c>apple</c>, <c>fcmv1</c>: <c>Sent</c> or
/// <c>Rejected</c>, absent while pending), the lease (<c>LeaseId</c>, <c>LeaseUntil</c>) and <c>CreatedAt</c>. Every
/// transition is conditional: a claim is an insert, or after a 409 one read and an ETag-matched takeover of an expired
/// lease; the record after the sends is one ETag-matched replace. Two deliveries of an event can never both hold it.
/// </summary>
public sealed partial class TableIdempotencyStore(
    TableServiceClient serviceClient,
    IOptions<IdempotencyOptions> options,
    TimeProvider timeProvider,
    ILogger<TableIdempotencyStore> logger) : IIdempotencyStore, IDisposable
{
    internal const string EventIdProperty = "EventId";
    internal const string CreatedAtProperty = "CreatedAt";
    internal const string UpdatedAtProperty = "UpdatedAt";
    internal const string LeaseIdProperty = "LeaseId";
    internal const string LeaseUntilProperty = "LeaseUntil";

    // An operator reading the table sees which event a record is about; the key is the hash, so this is only a preview.
    internal const int EventIdPreviewLength = 256;

    // Attempts when the record vanishes between a 409 and the read, or changes between a read and an update.
    private const int MaxAttempts = 3;

    private readonly SemaphoreSlim _tableGate = new(1, 1);
    private TableClient? _table;

    /// <summary>
    /// Client settings that keep every storage call inside the webhook's deadline even without a cancellation: two
    /// quick retries and a 5-second network timeout instead of the SDK's 3 retries and 100 seconds.
    /// </summary>
    public static TableClientOptions ClientOptions()
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return clientOptions;
    }

    /// <inheritdoc />
    public async Task<EventClaim> ClaimAsync(EventKey key, string eventId, IReadOnlyList<string> formats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(formats);
        var table = await GetTableAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            // Stryker disable once String: the lease id is only stored and checked for presence; any GUID format is as unique.
            var leaseId = Guid.NewGuid().ToString("N");
            var fresh = Entity(key, eventId, now, new Dictionary<string, FormatState>(), now, leaseId, now + options.Value.LeaseDuration);
            try
            {
                var added = await table.AddEntityAsync(fresh, cancellationToken).ConfigureAwait(false);
                return Acquired(key, eventId, formats, new Dictionary<string, FormatState>(), now, leaseId, added);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // The event was claimed before: read how far it got.
            }

            var existing = await table.GetEntityIfExistsAsync<TableEntity>(key.Hash, RowKeyOf(key), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!existing.HasValue || existing.Value is null)
            {
                continue; // deleted after the 409 (a retention sweep): insert again
            }

            var current = existing.Value;
            var done = StatesOf(current, formats);
            if (done.Count == formats.Count)
            {
                return EventClaim.AlreadyDone(key, eventId, done);
            }

            if (IsLeaseActive(current, now))
            {
                return EventClaim.HeldElsewhere(key, eventId);
            }

            // No lease, or one that expired (its holder crashed or gave up): take it over, conditional on the ETag read.
            var createdAt = current.GetDateTimeOffset(CreatedAtProperty) ?? now;
            var takeover = Entity(key, eventId, createdAt, done, now, leaseId, now + options.Value.LeaseDuration);
            try
            {
                var updated = await table.UpdateEntityAsync(takeover, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return Acquired(key, eventId, formats, done, createdAt, leaseId, updated);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                return EventClaim.HeldElsewhere(key, eventId); // another delivery took it first
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // deleted meanwhile: insert again
            }
        }

        return EventClaim.HeldElsewhere(key, eventId);
    }

    /// <inheritdoc />
    public async Task RecordAsync(EventClaim claim, IReadOnlyDictionary<string, FormatState> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(results);
        if (claim.Status != ClaimStatus.Acquired)
        {
            throw new ArgumentException("Only an acquired claim is recorded.", nameof(claim));
        }

        var table = await GetTableAsync(cancellationToken).ConfigureAwait(false);
        var states = new Dictionary<string, FormatState>(claim.Done);
        foreach (var (format, state) in results)
        {
            if (state != FormatState.Pending)
            {
                states[format] = state;
            }
        }

        var now = timeProvider.GetUtcNow();
        var entity = Entity(claim.Key, claim.EventId, claim.CreatedAt, states, now, leaseId: null, leaseUntil: null);
        try
        {
            await table.UpdateEntityAsync(entity, new ETag(claim.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // The lease expired while sending and the record changed hands (or was swept). What went out did go out:
            // merge it into whatever is there now, leaving the current holder's lease alone.
            LogLeaseLost(logger, claim.Key.Hash);
            await MergeAsync(table, claim, states, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The row key of an event's record: its key again. Any row key would do for Azure, which finds an entity by both
    /// keys at once; the emulator (Azurite) filters by row key first, so one row key shared by every record made each
    /// lookup scan the whole table, and the store slowed down as the table grew.
    /// </summary>
    internal static string RowKeyOf(EventKey key) => key.Hash;

    /// <inheritdoc />
    public void Dispose() => _tableGate.Dispose();

    /// <summary>A lease is active while now is before its end; at its exact end it may be taken over.</summary>
    internal static bool IsLeaseActive(TableEntity entity, DateTimeOffset now) =>
        !string.IsNullOrEmpty(entity.GetString(LeaseIdProperty)) &&
        entity.GetDateTimeOffset(LeaseUntilProperty) is { } until && now < until;

    private async Task MergeAsync(TableClient table, EventClaim claim, Dictionary<string, FormatState> states, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(claim.Key.Hash, RowKeyOf(claim.Key), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!existing.HasValue || existing.Value is null)
            {
                var now = timeProvider.GetUtcNow();
                try
                {
                    await table.AddEntityAsync(Entity(claim.Key, claim.EventId, claim.CreatedAt, states, now, null, null), cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    continue;
                }
            }

            var current = existing.Value;
            foreach (var (format, state) in states)
            {
                current[format] = state.ToString();
            }

            current[UpdatedAtProperty] = timeProvider.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // changed again between the read and the update: read once more
            }
        }

        throw new RequestFailedException(412, "The idempotency record kept changing while the outcome was recorded.");
    }

    private static EventClaim Acquired(
        EventKey key, string eventId, IReadOnlyList<string> formats, Dictionary<string, FormatState> done,
        DateTimeOffset createdAt, string leaseId, Response response) =>
        new(ClaimStatus.Acquired, key, eventId, [.. formats.Where(f => !done.ContainsKey(f))], done, createdAt, leaseId,
            response.Headers.ETag?.ToString() ?? string.Empty);

    private static Dictionary<string, FormatState> StatesOf(TableEntity entity, IReadOnlyList<string> formats)
    {
        var states = new Dictionary<string, FormatState>(StringComparer.Ordinal);
        foreach (var format in formats)
        {
            if (Enum.TryParse<FormatState>(entity.GetString(format), out var state) && state != FormatState.Pending)
            {
                states[format] = state;
            }
        }

        return states;
    }

    private static TableEntity Entity(
        EventKey key, string eventId, DateTimeOffset createdAt, IReadOnlyDictionary<string, FormatState> states,
        DateTimeOffset updatedAt, string? leaseId, DateTimeOffset? leaseUntil)
    {
        var entity = new TableEntity(key.Hash, RowKeyOf(key))
        {
            [EventIdProperty] = Preview(eventId),
            [CreatedAtProperty] = createdAt,
            [UpdatedAtProperty] = updatedAt,
        };
        foreach (var (format, state) in states)
        {
            entity[format] = state.ToString();
        }

        if (leaseId is not null)
        {
            entity[LeaseIdProperty] = leaseId;
            entity[LeaseUntilProperty] = leaseUntil;
        }

        return entity;
    }

    private static string Preview(string eventId) => Utf16.Prefix(eventId, EventIdPreviewLength);

    private async ValueTask<TableClient> GetTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _table) is { } ready)
        {
            return ready;
        }

        await _tableGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_table is null)
            {
                var table = serviceClient.GetTableClient(options.Value.TableName);
                try
                {
                    await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.Status is 403 or 409)
                {
                    // In Azure the app's role (Storage Table Data Contributor) is scoped to this one table, which the
                    // infrastructure creates; creating a table needs rights on the account, so it may be refused.
                    LogTableNotCreated(logger, options.Value.TableName, ex.Status);
                }

                Volatile.Write(ref _table, table);
            }

            return _table!;
        }
        finally
        {
            _tableGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create table {TableName} (status {Status}); using it on the assumption that it exists")]
    private static partial void LogTableNotCreated(ILogger logger, string tableName, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on event record {EventKey} expired while sending; merged the outcome into the current record")]
    private static partial void LogLeaseLost(ILogger logger, string eventKey);
}
