// Hand-written because the Microsoft.Azure.NotificationHubs SDK package is not served on this project's NuGet feed.
// Only the REST calls are ours: retries, backoff, Retry-After and timeouts come from Microsoft.Extensions.Http.Resilience
// (configured in NotificationHubsResilience), and SharedAccessSignatureHandler signs each attempt.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Notification Hubs REST client (api-version <c>2020-06</c>): builds each call's request and turns the final answer
/// into a result or a <see cref="NotificationHubsException"/>. The typed <see cref="HttpClient"/> it is given retries
/// transient failures within <see cref="NotificationHubsClientOptions.MaxAttempts"/> and
/// <see cref="NotificationHubsClientOptions.TimeBudget"/> and signs every attempt (see <see cref="NotificationHubsServiceCollectionExtensions"/>).
/// </summary>
public sealed partial class NotificationHubsClient : INotificationHubsClient
{
    /// <summary>The REST API version every request carries.</summary>
    public const string ApiVersion = "2020-06";

    private const string JsonUtf8 = "application/json;charset=utf-8";

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Content-Type", "ServiceBusNotification-Format", "ServiceBusNotification-Tags",
    };

    private static readonly JsonSerializerOptions InstallationJson = new(JsonSerializerDefaults.Web);

    private readonly HttpClient httpClient;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<NotificationHubsClient> logger;
    private readonly NotificationHubsClientOptions settings;

    /// <summary>The hub's base address, <c>https://{namespace}.servicebus.windows.net/{hub}/</c>.</summary>
    private readonly Uri hubUri;

    /// <summary>Where sends go: <c>{hub}/messages/?api-version=…</c>.</summary>
    private readonly Uri messagesUri;

    /// <summary>Creates a client for the hub named in <paramref name="options"/>.</summary>
    public NotificationHubsClient(
        HttpClient httpClient,
        IOptions<NotificationHubsClientOptions> options,
        TimeProvider timeProvider,
        ILogger<NotificationHubsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.httpClient = httpClient;
        this.timeProvider = timeProvider;
        this.logger = logger;
        settings = options.Value;
        hubUri = new Uri(NotificationHubsConnection.Parse(settings.ConnectionString).Endpoint, settings.HubName + "/");
        messagesUri = new Uri(hubUri, "messages/?api-version=" + ApiVersion);
    }

    /// <inheritdoc />
    public async Task<NotificationOutcome> SendNotificationAsync(
        NotificationRequest notification,
        string tagExpression,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentException.ThrowIfNullOrWhiteSpace(tagExpression);
        ArgumentNullException.ThrowIfNull(notification.Body);
        RejectLineBreaks(tagExpression, nameof(tagExpression));
        var format = notification.Format.WireName();
        var extraHeaders = notification.Headers ?? new Dictionary<string, string>();
        foreach (var (name, value) in extraHeaders)
        {
            if (ReservedHeaders.Contains(name))
            {
                throw new ArgumentException($"Header '{name}' is set by the client and cannot be overridden.", nameof(notification));
            }

            RejectLineBreaks(value, nameof(notification));
        }

        var body = Encoding.UTF8.GetBytes(notification.Body);

        var request = new HttpRequestMessage(HttpMethod.Post, messagesUri) { Content = JsonContent(body, JsonUtf8) };
        request.Headers.TryAddWithoutValidation("ServiceBusNotification-Format", format);
        request.Headers.TryAddWithoutValidation("ServiceBusNotification-Tags", tagExpression);
        foreach (var (name, value) in extraHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var answer = await SendAsync("send", request, static status => (int)status is >= 200 and < 300, cancellationToken, notification.Deadline)
            .ConfigureAwait(false);

        return new NotificationOutcome((int)answer.Status, answer.TrackingId, NotificationIdFrom(answer.Location));
    }

    /// <inheritdoc />
    public async Task CreateOrUpdateInstallationAsync(Installation installation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentException.ThrowIfNullOrWhiteSpace(installation.InstallationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(installation.PushChannel);
        ArgumentNullException.ThrowIfNull(installation.Tags);
        var platform = installation.Platform switch
        {
            InstallationPlatform.Apns => "apns",
            InstallationPlatform.FcmV1 => "fcmv1",
            _ => throw new ArgumentOutOfRangeException(nameof(installation), installation.Platform, "Unknown installation platform."),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new InstallationBody(installation.InstallationId, platform, installation.PushChannel, installation.Tags),
            InstallationJson);
        var uri = InstallationUri(installation.InstallationId);

        await SendAsync(
            "installation PUT",
            new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent(body, "application/json") },
            static status => (int)status is >= 200 and < 300,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteInstallationAsync(string installationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(installationId);
        var uri = InstallationUri(installationId);

        // The service answers 204 whether or not the installation existed; a 404 means the same thing here.
        await SendAsync(
            "installation DELETE",
            new HttpRequestMessage(HttpMethod.Delete, uri),
            static status => (int)status is >= 200 and < 300 || status == HttpStatusCode.NotFound,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredInstallation?> GetInstallationAsync(string installationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(installationId);
        var answer = await SendAsync(
            "installation GET",
            new HttpRequestMessage(HttpMethod.Get, InstallationUri(installationId)),
            static status => status is HttpStatusCode.OK or HttpStatusCode.NotFound,
            cancellationToken,
            readBody: true).ConfigureAwait(false);
        return answer.Status == HttpStatusCode.NotFound ? null : StoredInstallation.Parse(answer.Body, installationId);
    }

    private Uri InstallationUri(string installationId) =>
        new(hubUri, "installations/" + Uri.EscapeDataString(installationId) + "?api-version=" + ApiVersion);

    /// <summary>Sends <paramref name="request"/> through the resilience pipeline and turns what comes back into an answer or an exception.</summary>
    private async Task<HubAnswer> SendAsync(
        string operation,
        HttpRequestMessage request,
        Func<HttpStatusCode, bool> isSuccess,
        CancellationToken cancellationToken,
        DateTimeOffset? callerDeadline = null,
        bool readBody = false)
    {
        using var _ = request;
        var budgetEnd = timeProvider.GetUtcNow() + settings.TimeBudget;
        // Stryker disable once Equality: when both are equal either one is the same deadline.
        var deadline = callerDeadline < budgetEnd ? callerDeadline.Value : budgetEnd;

        request.Options.Set(NotificationHubsResilience.Deadline, deadline);
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (
            exception is HttpRequestException or TimeoutRejectedException or OperationCanceledException &&
            !cancellationToken.IsCancellationRequested)
        {
            throw GaveUp(operation, 0, null, null, deadline, deadline < budgetEnd, exception, request.Method);
        }

        using (response)
        {
            var status = response.StatusCode;
            var trackingId = FirstHeader(response, "TrackingId");
            if (isSuccess(status))
            {
                LogAnswered(operation, (int)status, trackingId);
                var location = response.Headers.Location;
                // Stryker disable once Conditional: callers that do not ask for the body never read it; reading it anyway costs only time.
                var body = readBody ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) : null;
                return new HubAnswer(status, trackingId, location is { IsAbsoluteUri: false } ? new Uri(request.RequestUri!, location) : location, body);
            }

            if (NotificationHubsException.IsTransientStatus(status))
            {
                throw GaveUp(operation, (int)status, trackingId, NotificationHubsResilience.RetryAfter(response, timeProvider), deadline, deadline < budgetEnd, null, request.Method);
            }

            var detail = await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
            LogRejected(operation, (int)status, trackingId);
            throw new NotificationHubsException(
                RejectionMessage(operation, status, trackingId, detail),
                (int)status,
                trackingId,
                isTransient: false);
        }
    }

    /// <summary>A transient failure that the pipeline stopped retrying: out of attempts, out of time, or told to wait past the budget.</summary>
    private NotificationHubsException GaveUp(
        string operation, int status, string? trackingId, TimeSpan? retryAfter, DateTimeOffset deadline, bool callerDeadline, Exception? error, HttpMethod method)
    {
        var budget = callerDeadline
            ? "the caller's deadline, which came before NotificationHubs:TimeBudget"
            : string.Create(CultureInfo.InvariantCulture, $"NotificationHubs:TimeBudget is {settings.TimeBudget.TotalSeconds:0.###} s");
        var reason = retryAfter is { } wait && !NotificationHubsResilience.FitsBefore(wait, deadline, timeProvider)
            ? string.Create(CultureInfo.InvariantCulture, $"the hub asked to wait {wait.TotalSeconds:0.###} s, past the time budget ({budget})")
            : timeProvider.GetUtcNow() >= deadline
                ? $"the time budget ran out ({budget})"
                : error is not null && !NotificationHubsResilience.IsRetriedAfterUnknownOutcome(method) && NotificationHubsResilience.IsOutcomeUnknown(error)
                    ? "the request may have reached the hub (the attempt timed out or the connection was lost after sending), and a send is never repeated within one call"
                    : string.Create(CultureInfo.InvariantCulture, $"no attempts were left (NotificationHubs:MaxAttempts is {settings.MaxAttempts})");
        var last = status > 0
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {status}")
            : "no answer (network failure or attempt timeout)";
        var trackingText = trackingId is null ? string.Empty : $" TrackingId: {trackingId}.";
        LogGaveUp(operation, status, trackingId);
        return new NotificationHubsException(
            $"Notification Hubs {operation} did not succeed; the last attempt got {last}. Stopped because {reason}.{trackingText}",
            status,
            trackingId,
            isTransient: true,
            error)
        {
            RetryAfter = retryAfter,
        };
    }

    private static string RejectionMessage(string operation, HttpStatusCode status, string? trackingId, string? detail)
    {
        var hint = NotificationHubsException.ConfigurationHintFor((int)status) ?? (int)status switch
        {
            400 => "The hub rejected the request as malformed: check the payload, the headers and the tag expression.",
            413 => "The payload is too large (APNs and FCM accept about 4 KB).",
            _ => "The hub gave an unexpected answer.",
        };
        var builder = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Notification Hubs {operation} was rejected with HTTP {(int)status}. {hint}");
        if (detail is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $" Detail: {detail}");
        }

        if (trackingId is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $" TrackingId: {trackingId}.");
        }

        return builder.ToString();
    }

    /// <summary>The hub's XML error <c>Detail</c>, shortened; never for 401/403 whose details concern the token.</summary>
    private static async Task<string?> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }

        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        // Stryker disable once Equality: a body of exactly 8,192 characters is the same string cut or not.
        var match = ErrorDetailPattern().Match(body.Length > 8192 ? body[..8192] : body);
        if (!match.Success)
        {
            return null;
        }

        var detail = WebUtility.HtmlDecode(match.Groups[1].Value).ReplaceLineEndings(" ").Trim();
        return detail.Length > 300 ? detail[..300] + "…" : detail;
    }

    private static string? NotificationIdFrom(Uri? location)
    {
        if (location is null)
        {
            return null;
        }

        // https://{namespace}.servicebus.windows.net/{hub}/messages/{notificationId}?api-version=...
        var segments = location.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var messages = Array.FindLastIndex(segments, s => s.Equals("messages", StringComparison.OrdinalIgnoreCase));
        return messages >= 0 && messages + 1 < segments.Length ? Uri.UnescapeDataString(segments[messages + 1]) : null;
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        // Stryker disable once Linq: TryGetValues is true only for a header with at least one value, so First cannot throw.
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static ByteArrayContent JsonContent(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static void RejectLineBreaks(string value, string parameterName)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("Header values cannot contain line breaks.", parameterName);
        }
    }

    [GeneratedRegex("<Detail>(.*?)</Detail>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorDetailPattern();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification Hubs {Operation} answered {Status}, TrackingId {TrackingId}")]
    private partial void LogAnswered(string operation, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification Hubs {Operation} gave up; last status {Status}, TrackingId {TrackingId}")]
    private partial void LogGaveUp(string operation, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification Hubs {Operation} was rejected with status {Status}, TrackingId {TrackingId}")]
    private partial void LogRejected(string operation, int status, string? trackingId);

    private readonly record struct HubAnswer(HttpStatusCode Status, string? TrackingId, Uri? Location, string? Body = null);

    private sealed record InstallationBody(
        [property: JsonPropertyName("installationId")] string InstallationId,
        [property: JsonPropertyName("platform")] string Platform,
        [property: JsonPropertyName("pushChannel")] string PushChannel,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);
}
