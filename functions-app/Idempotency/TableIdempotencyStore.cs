using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// <see cref="IIdempotencyStore"/> on Azure Table storage. One entity per push (partition: event id, row:
/// format and recipient tag) moves from <c>Leased</c> (with an expiry) to <c>Sent</c> or <c>Rejected</c>.
/// Every transition is conditional: a claim is an insert (409 when the entity exists) or an ETag-matched
/// takeover of an expired lease, so two deliveries of the same event can never both hold a push. The table is
/// created on first use where the app may do so, and otherwise assumed to exist.
/// </summary>
public sealed partial class TableIdempotencyStore(
    TableServiceClient serviceClient,
    IOptions<IdempotencyOptions> options,
    TimeProvider timeProvider,
    ILogger<TableIdempotencyStore> logger) : IIdempotencyStore, IDisposable
{
    internal const string StateProperty = "State";
    internal const string LeaseIdProperty = "LeaseId";
    internal const string LeaseUntilProperty = "LeaseUntil";
    internal const string EventIdProperty = "EventId";
    internal const string CompletedAtProperty = "CompletedAt";
    internal const string LeasedState = "Leased";

    // Attempts to claim when the entity vanishes between a failed insert and the read (a concurrent release).
    private const int MaxClaimAttempts = 3;

    private readonly SemaphoreSlim _tableGate = new(1, 1);
    private TableClient? _table;

    /// <inheritdoc />
    public async Task<LeaseResult> TryAcquireAsync(IdempotencyKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var table = await GetTableAsync(cancellationToken).ConfigureAwait(false);
        var (partitionKey, rowKey) = ToEntityKeys(key);

        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            var lease = new PushLease(key, Guid.NewGuid().ToString("N"), now + options.Value.LeaseDuration, ETag: string.Empty);
            var entity = LeaseEntity(partitionKey, rowKey, lease);
            try
            {
                var added = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return new LeaseResult(LeaseStatus.Acquired, lease with { ETag = ETagOf(added) });
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // The push was claimed before: look at how far it got.
            }

            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!existing.HasValue || existing.Value is null)
            {
                continue;
            }

            var current = existing.Value;
            if (current.GetString(StateProperty) != LeasedState)
            {
                return LeaseResult.AlreadyCompleted;
            }

            if (current.GetDateTimeOffset(LeaseUntilProperty) is { } until && until > now)
            {
                return LeaseResult.HeldElsewhere;
            }

            try
            {
                var updated = await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                LogLeaseTakenOver(logger, key.EventId, key.Format);
                return new LeaseResult(LeaseStatus.Acquired, lease with { ETag = ETagOf(updated) });
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                return LeaseResult.HeldElsewhere;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Released meanwhile; claim again.
            }
        }

        return LeaseResult.HeldElsewhere;
    }

    /// <inheritdoc />
    public async Task CompleteAsync(PushLease lease, CompletionState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var table = await GetTableAsync(cancellationToken).ConfigureAwait(false);
        var (partitionKey, rowKey) = ToEntityKeys(lease.Key);
        var entity = new TableEntity(partitionKey, rowKey)
        {
            [StateProperty] = state.ToString(),
            [LeaseIdProperty] = lease.LeaseId,
            [EventIdProperty] = lease.Key.EventId,
            [CompletedAtProperty] = timeProvider.GetUtcNow(),
        };
        try
        {
            await table.UpdateEntityAsync(entity, new ETag(lease.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // The lease expired and changed hands while sending. The push did go out, so record that it did.
            LogLeaseLost(logger, lease.Key.EventId, lease.Key.Format);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(PushLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var table = await GetTableAsync(cancellationToken).ConfigureAwait(false);
        var (partitionKey, rowKey) = ToEntityKeys(lease.Key);
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, new ETag(lease.ETag), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Already gone or taken over: nothing of ours to release.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _tableGate.Dispose();

    /// <summary>
    /// Maps a key to table keys. Event ids are usually GUIDs; anything outside a conservative character set
    /// (table keys forbid '/', '\', '#', '?' and control characters) is replaced by its SHA-256.
    /// </summary>
    internal static (string PartitionKey, string RowKey) ToEntityKeys(IdempotencyKey key)
    {
        var partitionKey = SafeKey().IsMatch(key.EventId) ? key.EventId : "sha256-" + Hash(key.EventId);
        var rowKey = key.Format + "-" + (SafeKey().IsMatch(key.RecipientTag) ? key.RecipientTag : "sha256-" + Hash(key.RecipientTag));
        return (partitionKey, rowKey);
    }

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

    private static TableEntity LeaseEntity(string partitionKey, string rowKey, PushLease lease) => new(partitionKey, rowKey)
    {
        [StateProperty] = LeasedState,
        [LeaseIdProperty] = lease.LeaseId,
        [LeaseUntilProperty] = lease.Until,
        [EventIdProperty] = lease.Key.EventId,
    };

    private static string ETagOf(Response response) => response.Headers.ETag?.ToString() ?? string.Empty;

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,200}$")]
    private static partial Regex SafeKey();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create table {TableName} (status {Status}); using it on the assumption that it exists")]
    private static partial void LogTableNotCreated(ILogger logger, string tableName, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over the expired lease of event {EventId} ({Format})")]
    private static partial void LogLeaseTakenOver(ILogger logger, string eventId, string format);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of event {EventId} ({Format}) expired while sending; recorded the push as completed")]
    private static partial void LogLeaseLost(ILogger logger, string eventId, string format);
}
