using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Installations;

/// <summary>
/// Who owns an installation id, and whether a change to it is in progress: one record per installation id.
/// Every write is conditional (an insert fails when the record exists; an update or delete names the ETag it read),
/// so two requests can never both believe they own an id or hold its change lease.
/// </summary>
public interface IInstallationOwners
{
    /// <summary>The record of <paramref name="installationId"/>, or null when none exists.</summary>
    Task<OwnerRecord?> GetAsync(string installationId, CancellationToken cancellationToken);

    /// <summary>Creates the record, owned by <paramref name="ownerTag"/> and leased until <paramref name="leaseUntil"/>; null when one exists already.</summary>
    Task<OwnerRecord?> TryInsertAsync(string installationId, string ownerTag, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Leases <paramref name="record"/> until <paramref name="leaseUntil"/>; null when it changed or vanished since it was read.</summary>
    Task<OwnerRecord?> TryLeaseAsync(OwnerRecord record, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Ends the lease held in <paramref name="lease"/>; does nothing when the record changed since.</summary>
    Task ReleaseAsync(OwnerRecord lease, CancellationToken cancellationToken);

    /// <summary>Deletes the record held in <paramref name="lease"/>; does nothing when it changed or vanished since.</summary>
    Task DeleteAsync(OwnerRecord lease, CancellationToken cancellationToken);
}

/// <summary>One installation id's owner (the recipient tag of the user, never the raw ACS id) and its change lease.</summary>
public sealed record OwnerRecord(string InstallationId, string OwnerTag, DateTimeOffset? LeaseUntil, ETag ETag);

/// <summary>
/// <see cref="IInstallationOwners"/> on Azure Table storage: partition key = installation id (its characters are
/// all valid in keys), row key <c>owner</c>. The table is created on first use where the app may do so; in Azure
/// the app's role is scoped to this one table, which the infrastructure creates.
/// </summary>
internal sealed partial class TableInstallationOwners(
    TableServiceClient serviceClient,
    IOptions<InstallationsOptions> options,
    ILogger<TableInstallationOwners> logger) : IInstallationOwners
{
    internal const string RowKey = "owner";
    internal const string OwnerProperty = "OwnerTag";
    internal const string LeaseUntilProperty = "LeaseUntil";

    private Task<TableClient>? opened;

    public async Task<OwnerRecord?> GetAsync(string installationId, CancellationToken cancellationToken)
    {
        var client = await TableAsync().ConfigureAwait(false);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(installationId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } entity
            ? new OwnerRecord(installationId, entity.GetString(OwnerProperty) ?? string.Empty, entity.GetDateTimeOffset(LeaseUntilProperty), entity.ETag)
            : null;
    }

    public async Task<OwnerRecord?> TryInsertAsync(string installationId, string ownerTag, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var client = await TableAsync().ConfigureAwait(false);
        try
        {
            var added = await client.AddEntityAsync(Entity(installationId, ownerTag, leaseUntil), cancellationToken).ConfigureAwait(false);
            return new OwnerRecord(installationId, ownerTag, leaseUntil, added.Headers.ETag ?? default);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return null;
        }
    }

    public async Task<OwnerRecord?> TryLeaseAsync(OwnerRecord record, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var client = await TableAsync().ConfigureAwait(false);
        try
        {
            var updated = await client.UpdateEntityAsync(Entity(record.InstallationId, record.OwnerTag, leaseUntil), record.ETag, TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
            return record with { LeaseUntil = leaseUntil, ETag = updated.Headers.ETag ?? default };
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            return null;
        }
    }

    public async Task ReleaseAsync(OwnerRecord lease, CancellationToken cancellationToken)
    {
        var client = await TableAsync().ConfigureAwait(false);
        try
        {
            await client.UpdateEntityAsync(Entity(lease.InstallationId, lease.OwnerTag, leaseUntil: null), lease.ETag, TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            // Changed since: the lease expired and was taken; there is nothing left to release.
        }
    }

    public async Task DeleteAsync(OwnerRecord lease, CancellationToken cancellationToken)
    {
        var client = await TableAsync().ConfigureAwait(false);
        try
        {
            await client.DeleteEntityAsync(lease.InstallationId, RowKey, lease.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            // Already gone, or changed by a request that holds a newer lease: that request decides.
        }
    }

    private static TableEntity Entity(string installationId, string ownerTag, DateTimeOffset? leaseUntil) => new(installationId, RowKey)
    {
        [OwnerProperty] = ownerTag,
        [LeaseUntilProperty] = leaseUntil,
    };

    /// <summary>The table, opened once; an attempt that failed (storage unreachable) is made again on the next call.</summary>
    private Task<TableClient> TableAsync()
    {
        var current = Volatile.Read(ref opened);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        Interlocked.CompareExchange(ref opened, OpenAsync(serviceClient, options.Value.OwnersTableName, logger), current);
        return Volatile.Read(ref opened)!;
    }

    private static async Task<TableClient> OpenAsync(TableServiceClient serviceClient, string tableName, ILogger logger)
    {
        var client = serviceClient.GetTableClient(tableName);
        try
        {
            await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 403 or 409)
        {
            // Creating a table needs rights on the account; the app's role covers only this table.
            LogOwnersTableAssumed(logger, tableName, exception.Status);
        }

        return client;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create table {TableName} (status {Status}); using it on the assumption that it exists")]
    private static partial void LogOwnersTableAssumed(ILogger logger, string tableName, int status);
}
