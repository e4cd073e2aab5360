namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Client for the Azure Notification Hubs REST API (api-version 2020-06), shaped like an Azure SDK client.
/// Every non-success answer surfaces as <see cref="NotificationHubsException"/>.
/// </summary>
public interface INotificationHubsClient
{
    /// <summary>Sends a native notification to every installation matching <paramref name="tagExpression"/>.</summary>
    Task<NotificationOutcome> SendNotificationAsync(
        NotificationRequest notification,
        string tagExpression,
        CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an installation (idempotent PUT).</summary>
    Task CreateOrUpdateInstallationAsync(Installation installation, CancellationToken cancellationToken = default);

    /// <summary>Deletes an installation; deleting one that does not exist succeeds.</summary>
    Task DeleteInstallationAsync(string installationId, CancellationToken cancellationToken = default);

    /// <summary>Reads an installation (its platform and tags); null when the hub holds none with this id.</summary>
    Task<StoredInstallation?> GetInstallationAsync(string installationId, CancellationToken cancellationToken = default);
}

/// <summary>Platform format of a native notification (the <c>ServiceBusNotification-Format</c> header).</summary>
public enum NotificationFormat
{
    /// <summary>APNs payload, sent with format <c>apple</c>.</summary>
    Apple,

    /// <summary>Firebase Cloud Messaging v1 payload, sent with format <c>fcmv1</c>.</summary>
    FcmV1,
}

/// <summary>Wire names of <see cref="NotificationFormat"/>.</summary>
internal static class NotificationFormatExtensions
{
    /// <summary>The format as Notification Hubs spells it in <c>ServiceBusNotification-Format</c> (<c>apple</c>, <c>fcmv1</c>).</summary>
    internal static string WireName(this NotificationFormat format) => format switch
    {
        NotificationFormat.Apple => "apple",
        NotificationFormat.FcmV1 => "fcmv1",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown notification format."),
    };
}

/// <summary>A native notification: the platform format, the JSON body and extra headers (for example <c>apns-push-type</c>).</summary>
public sealed record NotificationRequest(
    NotificationFormat Format,
    string Body,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>
    /// When the caller needs the send to be over (for the webhook, its delivery's deadline). The call ends by the earlier
    /// of this and <see cref="NotificationHubsClientOptions.TimeBudget"/> from its start: a <c>Retry-After</c> that would
    /// end later is not waited for. Null: the time budget alone.
    /// </summary>
    public DateTimeOffset? Deadline { get; init; }
}

/// <summary>What the hub answered to an accepted send.</summary>
public sealed record NotificationOutcome(int Status, string? TrackingId, string? NotificationId);

/// <summary>Device platform of an installation.</summary>
public enum InstallationPlatform
{
    /// <summary>Apple Push Notification service (<c>apns</c>).</summary>
    Apns,

    /// <summary>Firebase Cloud Messaging v1 (<c>fcmv1</c>).</summary>
    FcmV1,
}

/// <summary>A device installation as stored in the hub.</summary>
public sealed record Installation(
    string InstallationId,
    InstallationPlatform Platform,
    string PushChannel,
    IReadOnlyList<string> Tags);
