using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace AcsPush.Functions.NotificationHubs;

/// <summary>
/// The resilience pipeline of every Notification Hubs call, outermost first: the time budget
/// (<see cref="NotificationHubsClientOptions.TimeBudget"/>), retries of transient failures
/// (<see cref="NotificationHubsClientOptions.MaxAttempts"/>, exponential backoff with jitter between
/// <see cref="NotificationHubsClientOptions.BaseDelay"/> and <see cref="NotificationHubsClientOptions.MaxDelay"/>,
/// or the hub's <c>Retry-After</c>), and the timeout of each attempt (<see cref="NotificationHubsClientOptions.AttemptTimeout"/>).
/// </summary>
/// <remarks>
/// <c>AddStandardResilienceHandler</c> would add a rate limiter and a circuit breaker as well. Neither is used: the
/// webhook already bounds concurrent calls (<c>Webhook:MaxConcurrency</c>), and an open circuit would fail calls
/// without trying the hub, for a while even after it recovered, where each call should get its own attempts.
/// </remarks>
internal static class NotificationHubsResilience
{
    /// <summary>Name of the resilience handler on the typed client; its telemetry reports strategies under it.</summary>
    internal const string PipelineName = "notification-hubs";

    /// <summary>
    /// When the call must be over, set by the client on each request. A <c>Retry-After</c> wait that would end after
    /// it is not taken: the call ends at once with the hub's answer, rather than spend its budget waiting in vain.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<DateTimeOffset> Deadline = new("AcsPush.NotificationHubs.Deadline");

    /// <summary>Adds the strategies, configured from <paramref name="settings"/>, to <paramref name="pipeline"/>.</summary>
    internal static ResiliencePipelineBuilder<HttpResponseMessage> AddNotificationHubsStrategies(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline,
        NotificationHubsClientOptions settings,
        TimeProvider timeProvider)
    {
        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "TimeBudget", Timeout = settings.TimeBudget });

        // Polly counts retries, the setting counts attempts; with one attempt there is nothing to retry.
        if (settings.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, timeProvider)),

                // The library's own Retry-After reading uses the system clock; this one keeps the injected TimeProvider.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } answer ? RetryAfter(answer, timeProvider) : null),
            });
        }

        return pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = settings.AttemptTimeout });
    }

    /// <summary>
    /// The one retry rule. Retry on 408, 429, 5xx, network failures and attempt timeouts, unless the hub asked for a wait
    /// that would end after the call's <see cref="Deadline"/>, or the request may already have been processed and is not
    /// idempotent: a send (POST) that timed out or lost its connection after going out is not repeated, since the hub may
    /// have accepted it and a repeat would reach the device again. The installation calls (PUT, DELETE) are idempotent
    /// and keep being retried.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeProvider timeProvider)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        var request = context.GetRequestMessage();
        if (outcome.Exception is { } error)
        {
            return request is null || IsRetriedAfterUnknownOutcome(request.Method) || !IsOutcomeUnknown(error);
        }

        return outcome.Result is not { } answer ||
            RetryAfter(answer, timeProvider) is not { } wait ||
            request?.Options.TryGetValue(Deadline, out var deadline) != true ||
            FitsBefore(wait, deadline, timeProvider);
    }

    /// <summary>Whether a request with <paramref name="method"/> may be repeated when an attempt's outcome is unknown (PUT, DELETE: idempotent).</summary>
    internal static bool IsRetriedAfterUnknownOutcome(HttpMethod method) => method == HttpMethod.Put || method == HttpMethod.Delete;

    /// <summary>
    /// Whether a failed attempt may have reached the hub: anything but a failure to connect (refused, name not resolved,
    /// TLS handshake failed), after which the request was certainly not sent.
    /// </summary>
    internal static bool IsOutcomeUnknown(Exception error) =>
        error is not HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        };

    /// <summary>Whether a wait of <paramref name="wait"/> from now ends before <paramref name="deadline"/>.</summary>
    internal static bool FitsBefore(TimeSpan wait, DateTimeOffset deadline, TimeProvider timeProvider) =>
        wait < deadline - timeProvider.GetUtcNow();

    /// <summary>
    /// Severity of this pipeline's telemetry: an attempt that needed no retry is routine, logged at Debug as the client
    /// logs its answers (the library would log every push at Information); other events keep the library's rating.
    /// </summary>
    internal static ResilienceEventSeverity Severity(SeverityProviderArguments args) =>
        args.Event is { EventName: "ExecutionAttempt", Severity: ResilienceEventSeverity.Information } &&
        args.Source.PipelineName?.EndsWith(PipelineName, StringComparison.Ordinal) == true
            ? ResilienceEventSeverity.Debug
            : args.Event.Severity;

    /// <summary>The hub's <c>Retry-After</c> (seconds or an HTTP date) as a wait from now, never negative; null without one.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage answer, TimeProvider timeProvider)
    {
        var wait = answer.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
