using System.Net;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>A non-success answer from Notification Hubs, or retries that ran out of time.</summary>
public sealed class NotificationHubsException : Exception
{
    public NotificationHubsException(string message, int status, string? trackingId, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        TrackingId = trackingId;
        IsTransient = isTransient;
    }

    /// <summary>HTTP status of the last answer; 0 when no answer was received (network failure, time budget spent).</summary>
    public int Status { get; }

    /// <summary>The hub's <c>TrackingId</c> header of the last answer, for support requests.</summary>
    public string? TrackingId { get; }

    /// <summary>True when a later attempt may succeed (408, 429, 5xx, network failure, time budget spent).</summary>
    public bool IsTransient { get; }

    /// <summary>For a transient failure: how long the hub asked callers to wait, or the next backoff delay; otherwise null.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Classifies an HTTP status: 408, 429 and 5xx are transient.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
