using System.Net;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>A non-success answer from Notification Hubs, or retries that ran out of attempts or time.</summary>
public sealed class NotificationHubsException : Exception
{
    public NotificationHubsException(string message, int status, string? trackingId, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        TrackingId = trackingId;
        IsTransient = isTransient;
    }

    /// <summary>HTTP status of the last answer; 0 when no answer was received (network failure, timeout, time budget spent).</summary>
    public int Status { get; }

    /// <summary>The hub's <c>TrackingId</c> header of the last answer, for support requests.</summary>
    public string? TrackingId { get; }

    /// <summary>True when a later attempt may succeed (408, 429, 5xx, network failure, time budget spent).</summary>
    public bool IsTransient { get; }

    /// <summary>For a transient failure: the wait the hub asked for in its last <c>Retry-After</c>; otherwise null.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// What to check in the app's settings when the hub refused the app itself (401, 403, 404): a fault of the
    /// configuration that affects every call, not this one. Null for other statuses.
    /// </summary>
    public string? ConfigurationHint => ConfigurationHintFor(Status);

    /// <summary>Classifies an HTTP status: 408, 429 and 5xx are transient.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The <see cref="ConfigurationHint"/> of an answer with <paramref name="status"/>.</summary>
    internal static string? ConfigurationHintFor(int status) => status switch
    {
        401 => "The hub refused the credentials: NotificationHubs:ConnectionString must hold a current key (keys rotate) of a policy on this namespace or hub.",
        403 => "The policy in NotificationHubs:ConnectionString lacks the right for this operation (Send to send pushes, Listen to manage installations), or a hub quota is exceeded.",
        404 => "No such hub or entity: check NotificationHubs:HubName and the namespace in NotificationHubs:ConnectionString.",
        _ => null,
    };
}
