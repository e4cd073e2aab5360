using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Installations;

/// <summary>What became of a registration or a removal.</summary>
public enum ChangeOutcome
{
    /// <summary>The hub holds (PUT) or no longer holds (DELETE) the user's installation.</summary>
    Done,

    /// <summary>DELETE: neither the hub nor the record knew the installation; nothing to remove.</summary>
    NothingToRemove,

    /// <summary>The installation id belongs to another user; nothing was changed.</summary>
    OwnedByAnotherUser,

    /// <summary>Another request is changing this installation right now; retry after <see cref="ChangeResult.RetryAfter"/>.</summary>
    ChangeInProgress,
}

/// <summary>The outcome of a change and, for <see cref="ChangeOutcome.ChangeInProgress"/>, when to try again.</summary>
public readonly record struct ChangeResult(ChangeOutcome Outcome, TimeSpan RetryAfter = default);

/// <summary>
/// Registers and removes installations so that one user's request can never replace or remove another user's device.
/// <para>
/// Ownership lives in <see cref="IInstallationOwners"/>: an installation id belongs to the user whose request first
/// claimed it (an insert that fails when the record exists), until that user deletes it. Notification Hubs has no
/// conditional writes, so every hub write for an id happens under that record's change lease, taken with an
/// ETag-conditional update: two requests for the same id never write the hub at once. The lease outlives the longest
/// hub call (<c>NotificationHubs:TimeBudget</c>, which also bounds the HTTP client) plus a margin, so a slow write can
/// never land after its lease ended and another user took the id. On DELETE the hub installation is removed before the
/// record, so the id is free for another user only once the device is gone from the hub.
/// </para>
/// <para>
/// An installation the hub holds without a record (registered before ownership was recorded, or left by a crash
/// between the two writes) belongs to the user its tag names; the first request for it records that.
/// </para>
/// </summary>
public sealed partial class InstallationRegistrar(
    INotificationHubsClient hubs,
    IInstallationOwners owners,
    IOptions<NotificationHubsClientOptions> hubOptions,
    TimeProvider timeProvider,
    ILogger<InstallationRegistrar> logger)
{
    /// <summary>Added to the hub call's time budget: the Table writes around the hub call and clock differences.</summary>
    internal static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(15);

    // A record that changes between a read and the conditional write is read again, at most this often.
    private const int MaxClaimAttempts = 3;

    private TimeSpan LeaseDuration => hubOptions.Value.TimeBudget + LeaseMargin;

    /// <summary>Creates or replaces <paramref name="installation"/> for the user whose tag is <paramref name="ownerTag"/>.</summary>
    public Task<ChangeResult> RegisterAsync(Installation installation, string ownerTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(installation);
        return ChangeAsync(installation.InstallationId, ownerTag, removing: false, async lease =>
        {
            try
            {
                await hubs.CreateOrUpdateInstallationAsync(installation, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await owners.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>Removes installation <paramref name="installationId"/> when it belongs to the user whose tag is <paramref name="ownerTag"/>.</summary>
    public Task<ChangeResult> RemoveAsync(string installationId, string ownerTag, CancellationToken cancellationToken) =>
        ChangeAsync(installationId, ownerTag, removing: true, async lease =>
        {
            try
            {
                await hubs.DeleteInstallationAsync(installationId, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await owners.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            // Only now, with the device gone from the hub, may another user claim the id.
            await owners.DeleteAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Claims the id for <paramref name="ownerTag"/> and, holding its lease, runs the hub change.</summary>
    private async Task<ChangeResult> ChangeAsync(
        string installationId, string ownerTag, bool removing, Func<OwnerRecord, Task> change, CancellationToken cancellationToken)
    {
        var claim = await ClaimAsync(installationId, ownerTag, removing, cancellationToken).ConfigureAwait(false);
        if (claim.Lease is not { } lease)
        {
            return claim.Result;
        }

        await change(lease).ConfigureAwait(false);
        return new ChangeResult(ChangeOutcome.Done);
    }

    private async Task<Claim> ClaimAsync(string installationId, string ownerTag, bool removing, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            var record = await owners.GetAsync(installationId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                // No record: the hub's own tag says who owns an installation registered without one.
                var stored = await hubs.GetInstallationAsync(installationId, cancellationToken).ConfigureAwait(false);
                if (stored is not null && !stored.Tags.Contains(ownerTag, StringComparer.Ordinal))
                {
                    LogOwnedElsewhere(installationId, removing ? "DELETE" : "PUT");
                    return Claim.Refused(ChangeOutcome.OwnedByAnotherUser);
                }

                if (removing && stored is null)
                {
                    return Claim.Refused(ChangeOutcome.NothingToRemove);
                }

                var inserted = await owners.TryInsertAsync(installationId, ownerTag, now + LeaseDuration, cancellationToken).ConfigureAwait(false);
                if (inserted is not null)
                {
                    return Claim.Held(inserted);
                }

                continue; // claimed by a concurrent request since the read: look again
            }

            if (!string.Equals(record.OwnerTag, ownerTag, StringComparison.Ordinal))
            {
                LogOwnedElsewhere(installationId, removing ? "DELETE" : "PUT");
                return Claim.Refused(ChangeOutcome.OwnedByAnotherUser);
            }

            if (record.LeaseUntil is { } until && until > now)
            {
                return Claim.Refused(ChangeOutcome.ChangeInProgress, until - now);
            }

            var leased = await owners.TryLeaseAsync(record, now + LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (leased is not null)
            {
                return Claim.Held(leased);
            }
        }

        return Claim.Refused(ChangeOutcome.ChangeInProgress, TimeSpan.FromSeconds(1));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationId}: {Operation} refused, the id belongs to another user")]
    private partial void LogOwnedElsewhere(string installationId, string operation);

    private readonly record struct Claim(OwnerRecord? Lease, ChangeResult Result)
    {
        public static Claim Held(OwnerRecord lease) => new(lease, default);

        public static Claim Refused(ChangeOutcome outcome, TimeSpan retryAfter = default) => new(null, new ChangeResult(outcome, retryAfter));
    }
}
