using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AcsPush.Functions.NotificationHubs;
using Polly;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;
using Xunit;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>Our configuration of the resilience pipeline: its strategies, their settings, and which outcomes are retried.</summary>
public sealed class NotificationHubsResilienceTests
{
    private static readonly DateTimeOffset Start = HubClientHost.Start;
    private readonly VirtualClock clock = new(Start);

    private static NotificationHubsClientOptions Settings(int maxAttempts = 4) => new()
    {
        MaxAttempts = maxAttempts,
        TimeBudget = TimeSpan.FromSeconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        BaseDelay = TimeSpan.FromMilliseconds(500),
        MaxDelay = TimeSpan.FromSeconds(8),
    };

    private IReadOnlyList<ResilienceStrategyDescriptor> Strategies(NotificationHubsClientOptions settings) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>().AddNotificationHubsStrategies(settings, clock).Build().GetPipelineDescriptor().Strategies;

    private RetryStrategyOptions<HttpResponseMessage> Retry() =>
        Assert.IsType<RetryStrategyOptions<HttpResponseMessage>>(Strategies(Settings())[1].Options);

    private async Task<bool> ShouldRetry(Outcome<HttpResponseMessage> outcome, DateTimeOffset? deadline = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, "https://contoso-ns.servicebus.windows.net/hub/messages/");
        if (deadline is { } value)
        {
            request.Options.Set(NotificationHubsResilience.Deadline, value);
        }

        var context = ResilienceContextPool.Shared.Get();
        context.SetRequestMessage(request);
        try
        {
            return await Retry().ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, outcome, 0));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static HttpResponseMessage Answer(int status, RetryConditionHeaderValue? retryAfter = null) =>
        new((HttpStatusCode)status) { Headers = { RetryAfter = retryAfter } };

    [Fact]
    public void Pipeline_DefaultSettings_TimeBudgetThenRetryThenAttemptTimeout()
    {
        var strategies = Strategies(Settings());

        Assert.Equal(["TimeBudget", "Retry", "AttemptTimeout"], strategies.Select(s => s.Options?.Name));
        Assert.Equal(TimeSpan.FromSeconds(20), Assert.IsType<TimeoutStrategyOptions>(strategies[0].Options).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), Assert.IsType<TimeoutStrategyOptions>(strategies[2].Options).Timeout);
        var retry = Assert.IsType<RetryStrategyOptions<HttpResponseMessage>>(strategies[1].Options);
        Assert.Equal(3, retry.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, retry.BackoffType);
        Assert.True(retry.UseJitter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(8), retry.MaxDelay);
        Assert.NotNull(retry.DelayGenerator);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(10, 9)]
    public void Pipeline_MaxAttempts_RetriesOneFewerTimes(int maxAttempts, int retries)
    {
        var retry = Assert.IsType<RetryStrategyOptions<HttpResponseMessage>>(Strategies(Settings(maxAttempts))[1].Options);

        Assert.Equal(retries, retry.MaxRetryAttempts);
    }

    [Fact]
    public void Pipeline_OneAttempt_HasNoRetryStrategy()
    {
        Assert.Equal(["TimeBudget", "AttemptTimeout"], Strategies(Settings(maxAttempts: 1)).Select(s => s.Options?.Name));
    }

    [Theory]
    [InlineData(1, "00:00:01", "00:00:00.050", "00:00:00", "00:00:00")]
    [InlineData(10, "00:05:00", "00:05:00", "00:01:00", "00:05:00")]
    public void Pipeline_ExtremesTheOptionsAccept_Build(int maxAttempts, string budget, string attemptTimeout, string baseDelay, string maxDelay)
    {
        var settings = new NotificationHubsClientOptions
        {
            MaxAttempts = maxAttempts,
            TimeBudget = TimeSpan.Parse(budget, CultureInfo.InvariantCulture),
            AttemptTimeout = TimeSpan.Parse(attemptTimeout, CultureInfo.InvariantCulture),
            BaseDelay = TimeSpan.Parse(baseDelay, CultureInfo.InvariantCulture),
            MaxDelay = TimeSpan.Parse(maxDelay, CultureInfo.InvariantCulture),
        };

        var strategies = Strategies(settings);

        Assert.Equal(settings.TimeBudget, Assert.IsType<TimeoutStrategyOptions>(strategies[0].Options).Timeout);
        Assert.Equal(settings.AttemptTimeout, Assert.IsType<TimeoutStrategyOptions>(strategies[^1].Options).Timeout);
    }

    [Fact]
    public async Task ShouldHandle_EveryStatus_RetriesExactlyTheTransientOnes()
    {
        for (var status = 100; status < 600; status++)
        {
            using var answer = Answer(status);

            Assert.True(
                NotificationHubsException.IsTransientStatus((HttpStatusCode)status) == await ShouldRetry(Outcome.FromResult(answer)),
                $"HTTP {status}: the pipeline and NotificationHubsException.IsTransientStatus disagree");
        }
    }

    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        // A send (POST) is repeated only when it certainly never reached the hub.
        { "POST", new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"), true },
        { "POST", new HttpRequestException(HttpRequestError.NameResolutionError, "no such host"), true },
        { "POST", new HttpRequestException(HttpRequestError.SecureConnectionError, "TLS handshake failed"), true },
        { "POST", new HttpRequestException("connection reset"), false },
        { "POST", new HttpRequestException(HttpRequestError.ResponseEnded, "closed after sending"), false },
        { "POST", new TimeoutRejectedException("attempt timed out"), false },
        // Installations are idempotent PUT/DELETE: any network failure or attempt timeout is retried.
        { "PUT", new HttpRequestException("connection reset"), true },
        { "PUT", new TimeoutRejectedException("attempt timed out"), true },
        { "DELETE", new TimeoutRejectedException("attempt timed out"), true },
        { "POST", new OperationCanceledException("caller gave up"), false },
        { "PUT", new InvalidOperationException("a defect"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ShouldHandle_Exception_RetriesOnlyWhatCannotMultiplyASend(string method, Exception failure, bool retried)
    {
        Assert.Equal(retried, await ShouldRetry(Outcome.FromException<HttpResponseMessage>(failure), method: new HttpMethod(method)));
    }

    [Theory]
    [InlineData(3, 20, true)]
    [InlineData(19, 20, true)]
    [InlineData(20, 20, false)]
    [InlineData(60, 20, false)]
    public async Task ShouldHandle_RetryAfter_RetriesOnlyWhenTheWaitEndsBeforeTheDeadline(int waitSeconds, int deadlineSeconds, bool retried)
    {
        using var answer = Answer(429, new RetryConditionHeaderValue(TimeSpan.FromSeconds(waitSeconds)));

        Assert.Equal(retried, await ShouldRetry(Outcome.FromResult(answer), Start.AddSeconds(deadlineSeconds)));
    }

    [Fact]
    public async Task ShouldHandle_RetryAfterWithoutDeadline_Retries()
    {
        using var answer = Answer(503, new RetryConditionHeaderValue(TimeSpan.FromSeconds(60)));

        Assert.True(await ShouldRetry(Outcome.FromResult(answer)));
    }

    public static TheoryData<RetryConditionHeaderValue?, TimeSpan?> RetryAfters() => new()
    {
        { new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(3) },
        { new RetryConditionHeaderValue(Start.AddSeconds(5)), TimeSpan.FromSeconds(5) },
        { new RetryConditionHeaderValue(Start.AddSeconds(-5)), TimeSpan.Zero },
        { null, null },
    };

    [Theory]
    [MemberData(nameof(RetryAfters))]
    public async Task DelayGenerator_RetryAfter_WaitsAsAskedOnTheInjectedClock(RetryConditionHeaderValue? retryAfter, TimeSpan? expected)
    {
        using var answer = Answer(429, retryAfter);
        var context = ResilienceContextPool.Shared.Get();

        var delay = await Retry().DelayGenerator!(new RetryDelayGeneratorArguments<HttpResponseMessage>(context, Outcome.FromResult(answer), 0));

        Assert.Equal(expected, delay);
        ResilienceContextPool.Shared.Return(context);
    }
}
