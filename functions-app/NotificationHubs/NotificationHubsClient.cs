using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// Notification Hubs REST client (api-version <c>2020-06</c>). Each call is retried on 408, 429, 5xx, network
/// failures and attempt timeouts, honouring <c>Retry-After</c>, within <see cref="NotificationHubsClientOptions.MaxAttempts"/>
/// and <see cref="NotificationHubsClientOptions.TimeBudget"/>. Every attempt is signed afresh.
/// </summary>
public sealed partial class NotificationHubsClient : INotificationHubsClient
{
    /// <summary>The REST API version every request carries.</summary>
    public const string ApiVersion = "2020-06";

    /// <summary>Lifetime of each SAS token; it only has to outlive one attempt.</summary>
    internal static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);

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
    private readonly NotificationHubsConnection connection;

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
        connection = NotificationHubsConnection.Parse(settings.ConnectionString);
        hubUri = new Uri(connection.Endpoint, settings.HubName + "/");
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

        var answer = await SendWithRetriesAsync(
            "send",
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, messagesUri) { Content = JsonContent(body, JsonUtf8) };
                request.Headers.TryAddWithoutValidation("ServiceBusNotification-Format", format);
                request.Headers.TryAddWithoutValidation("ServiceBusNotification-Tags", tagExpression);
                foreach (var (name, value) in extraHeaders)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                return request;
            },
            static status => (int)status is >= 200 and < 300,
            cancellationToken).ConfigureAwait(false);

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

        await SendWithRetriesAsync(
            "installation PUT",
            () => new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent(body, "application/json") },
            static status => (int)status is >= 200 and < 300,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteInstallationAsync(string installationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(installationId);
        var uri = InstallationUri(installationId);

        // The service answers 204 whether or not the installation existed; a 404 means the same thing here.
        await SendWithRetriesAsync(
            "installation DELETE",
            () => new HttpRequestMessage(HttpMethod.Delete, uri),
            static status => (int)status is >= 200 and < 300 || status == HttpStatusCode.NotFound,
            cancellationToken).ConfigureAwait(false);
    }

    private Uri InstallationUri(string installationId) =>
        new(hubUri, "installations/" + Uri.EscapeDataString(installationId) + "?api-version=" + ApiVersion);

    private async Task<HubAnswer> SendWithRetriesAsync(
        string operation,
        Func<HttpRequestMessage> createRequest,
        Func<HttpStatusCode, bool> isSuccess,
        CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The wait before this attempt was checked to end inside the budget, but a late timer can overrun it;
            // CancelAfter refuses negative values.
            var remaining = settings.TimeBudget - timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                remaining = TimeSpan.FromMilliseconds(1);
            }

            var failure = await AttemptAsync(operation, createRequest, isSuccess, remaining, cancellationToken).ConfigureAwait(false);
            if (failure.Answer is { } answer)
            {
                LogAnswered(operation, (int)answer.Status, attempt, answer.TrackingId);
                return answer;
            }

            var delay = failure.RetryAfter ?? Backoff(attempt);
            if (attempt >= settings.MaxAttempts)
            {
                throw GiveUp(operation, failure, attempt, delay, $"no attempts left (NotificationHubs:MaxAttempts is {settings.MaxAttempts})");
            }

            remaining = settings.TimeBudget - timeProvider.GetElapsedTime(started);
            if (delay >= remaining)
            {
                throw GiveUp(
                    operation,
                    failure,
                    attempt,
                    delay,
                    string.Create(CultureInfo.InvariantCulture, $"waiting {delay.TotalSeconds:0.###} s for the next attempt would exceed the time budget (NotificationHubs:TimeBudget is {settings.TimeBudget.TotalSeconds:0.###} s)"));
            }

            LogRetrying(operation, attempt, settings.MaxAttempts, failure.Status, failure.TrackingId, delay);
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One signed attempt: an answer, a transient failure to retry, or a thrown permanent failure.</summary>
    private async Task<AttemptResult> AttemptAsync(
        string operation,
        Func<HttpRequestMessage> createRequest,
        Func<HttpStatusCode, bool> isSuccess,
        TimeSpan remaining,
        CancellationToken cancellationToken)
    {
        using var request = createRequest();
        request.Headers.TryAddWithoutValidation("Authorization", Sign(request.RequestUri!));

        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptCancellation.CancelAfter(remaining < settings.AttemptTimeout ? remaining : settings.AttemptTimeout);
        try
        {
            using var response = await httpClient
                .SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptCancellation.Token)
                .ConfigureAwait(false);
            var trackingId = FirstHeader(response, "TrackingId");
            if (isSuccess(response.StatusCode))
            {
                var location = response.Headers.Location;
                if (location is { IsAbsoluteUri: false })
                {
                    location = new Uri(request.RequestUri!, location);
                }

                return new AttemptResult(new HubAnswer(response.StatusCode, trackingId, location), (int)response.StatusCode, trackingId, null, null);
            }

            if (!NotificationHubsException.IsTransientStatus(response.StatusCode))
            {
                var detail = await ErrorDetailAsync(response, attemptCancellation.Token).ConfigureAwait(false);
                LogRejected(operation, (int)response.StatusCode, trackingId);
                throw new NotificationHubsException(
                    RejectionMessage(operation, response.StatusCode, trackingId, detail),
                    (int)response.StatusCode,
                    trackingId,
                    isTransient: false);
            }

            return new AttemptResult(null, (int)response.StatusCode, trackingId, RetryAfterOf(response), null);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The attempt timeout (or HttpClient.Timeout) fired, not the caller.
            return new AttemptResult(null, 0, null, null, exception);
        }
        catch (HttpRequestException exception)
        {
            return new AttemptResult(null, 0, null, null, exception);
        }
    }

    private string Sign(Uri requestUri) =>
        SharedAccessSignature.Create(
            requestUri.GetLeftPart(UriPartial.Path),
            connection.KeyName,
            connection.Key,
            timeProvider.GetUtcNow() + TokenLifetime);

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = settings.BaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < settings.MaxDelay ? exponential : settings.MaxDelay;

        // Jitter in [50 %, 100 %] of the delay spreads retries of concurrent callers; it is not security relevant.
#pragma warning disable CA5394
        return capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
#pragma warning restore CA5394
    }

    private NotificationHubsException GiveUp(string operation, AttemptResult failure, int attempts, TimeSpan nextDelay, string reason)
    {
        var last = failure.Status > 0
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {failure.Status}")
            : "no answer (network failure or attempt timeout)";
        var trackingText = failure.TrackingId is null ? string.Empty : $" TrackingId: {failure.TrackingId}.";
        LogGaveUp(operation, attempts, failure.Status, failure.TrackingId);
        return new NotificationHubsException(
            string.Create(CultureInfo.InvariantCulture, $"Notification Hubs {operation} did not succeed after {attempts} attempt(s); the last one got {last}. Stopped because {reason}.{trackingText}"),
            failure.Status,
            failure.TrackingId,
            isTransient: true,
            failure.Exception)
        {
            RetryAfter = nextDelay,
        };
    }

    /// <summary>What to check in the app's settings when the hub answers 401, 403 or 404; null for other statuses.</summary>
    internal static string? ConfigurationHint(int status) => status switch
    {
        401 => "The hub rejected the credentials: NotificationHubs:ConnectionString must hold a current key (keys rotate) of a policy on this namespace or hub.",
        403 => "The policy in NotificationHubs:ConnectionString lacks the right for this operation (Send to send, Listen for installations), or a hub quota is exceeded.",
        404 => "No such hub or entity: check NotificationHubs:HubName and the namespace in NotificationHubs:ConnectionString.",
        _ => null,
    };

    private static string RejectionMessage(string operation, HttpStatusCode status, string? trackingId, string? detail)
    {
        var hint = ConfigurationHint((int)status) ?? (int)status switch
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification Hubs {Operation} answered {Status} after {Attempts} attempt(s), TrackingId {TrackingId}")]
    private partial void LogAnswered(string operation, int status, int attempts, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification Hubs {Operation} attempt {Attempt} of {MaxAttempts} failed with status {Status}, TrackingId {TrackingId}; retrying in {Delay}")]
    private partial void LogRetrying(string operation, int attempt, int maxAttempts, int status, string? trackingId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification Hubs {Operation} gave up after {Attempts} attempt(s); last status {Status}, TrackingId {TrackingId}")]
    private partial void LogGaveUp(string operation, int attempts, int status, string? trackingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification Hubs {Operation} was rejected with status {Status}, TrackingId {TrackingId}")]
    private partial void LogRejected(string operation, int status, string? trackingId);

    private readonly record struct HubAnswer(HttpStatusCode Status, string? TrackingId, Uri? Location);

    private readonly record struct AttemptResult(HubAnswer? Answer, int Status, string? TrackingId, TimeSpan? RetryAfter, Exception? Exception);

    private sealed record InstallationBody(
        [property: JsonPropertyName("installationId")] string InstallationId,
        [property: JsonPropertyName("platform")] string Platform,
        [property: JsonPropertyName("pushChannel")] string PushChannel,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);
}
