using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AcsPush.Functions.Tests.NotificationHubs;

public sealed class NotificationHubsClientTests : IDisposable
{
    private const string Key = "S3VwZXJTZWNyZXRLZXlWYWx1ZUZvclRlc3RzT25seQ==";
    private const string KeyName = "FunctionSendListen";
    private const string Hub = "com.contoso.app";
    private const string Tag = "acsuser_0123456789abcdef";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordingHandler handler = new();
    private readonly InstantDelayTimeProvider time = new(Start);

    private NotificationHubsClient CreateClient(
        Action<NotificationHubsClientOptions>? configure = null,
        ILogger<NotificationHubsClient>? logger = null)
    {
        var options = new NotificationHubsClientOptions
        {
            ConnectionString = $"Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName={KeyName};SharedAccessKey={Key}",
            HubName = Hub,
            MaxAttempts = 4,
            TimeBudget = TimeSpan.FromSeconds(20),
            BaseDelay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(8),
        };
        configure?.Invoke(options);
        return new NotificationHubsClient(
            new HttpClient(handler),
            Options.Create(options),
            time,
            logger ?? NullLogger<NotificationHubsClient>.Instance);
    }

    public void Dispose() => handler.Dispose();

    private static NotificationRequest AppleAlert() => new(
        NotificationFormat.Apple,
        """{"aps":{"alert":{"title":"Contoso","body":"New message"}}}""",
        new Dictionary<string, string> { ["apns-push-type"] = "alert", ["apns-priority"] = "10" });

    [Fact]
    public async Task SendNotificationAsync_AppleAlert_PostsSignedRequestToMessages()
    {
        // Arrange
        handler.Respond(HttpStatusCode.Created);
        var client = CreateClient();
        var notification = AppleAlert();

        // Act
        await client.SendNotificationAsync(notification, Tag);

        // Assert
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://contoso-ns.servicebus.windows.net/com.contoso.app/messages/?api-version=2020-06", request.Uri.AbsoluteUri);
        Assert.Equal("apple", request.Header("ServiceBusNotification-Format"));
        Assert.Equal(Tag, request.Header("ServiceBusNotification-Tags"));
        Assert.Equal("alert", request.Header("apns-push-type"));
        Assert.Equal("10", request.Header("apns-priority"));
        var contentType = MediaTypeHeaderValue.Parse(Assert.IsType<string>(request.ContentType));
        Assert.Equal("application/json", contentType.MediaType);
        Assert.Equal("utf-8", contentType.CharSet);
        Assert.Equal(notification.Body, request.Body);

        var sas = SasParts.Parse(request.Header("Authorization"));
        Assert.Equal("https%3a%2f%2fcontoso-ns.servicebus.windows.net%2fcom.contoso.app%2fmessages%2f", sas.ResourceUri);
        Assert.Equal(KeyName, sas.KeyName);
        Assert.Equal((Start + NotificationHubsClient.TokenLifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), sas.Expiry);
        Assert.Equal(sas.ExpectedSignature(Key), sas.Signature);
    }

    [Fact]
    public async Task SendNotificationAsync_FcmV1_SendsFcmv1Format()
    {
        handler.Respond(HttpStatusCode.Created);
        var client = CreateClient();

        await client.SendNotificationAsync(new NotificationRequest(NotificationFormat.FcmV1, """{"message":{"data":{"k":"v"}}}"""), Tag);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("fcmv1", request.Header("ServiceBusNotification-Format"));
        Assert.False(request.Headers.ContainsKey("apns-push-type"));
    }

    [Fact]
    public async Task SendNotificationAsync_Created_ReturnsTrackingIdAndNotificationId()
    {
        handler.Respond(HttpStatusCode.Created, response =>
        {
            response.Headers.Add("TrackingId", "tracking-201");
            response.Headers.Location = new Uri("https://contoso-ns.servicebus.windows.net/com.contoso.app/messages/1234567890?api-version=2020-06");
        });
        var client = CreateClient();

        var outcome = await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(new NotificationOutcome(201, "tracking-201", "1234567890"), outcome);
    }

    [Fact]
    public async Task SendNotificationAsync_TooManyRequestsWithRetryAfterThenCreated_WaitsAndSignsAgain()
    {
        // Arrange
        handler
            .Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
            .Respond(HttpStatusCode.Created, r => r.Headers.Add("TrackingId", "second"));
        var client = CreateClient();

        // Act
        var outcome = await client.SendNotificationAsync(AppleAlert(), Tag);

        // Assert
        Assert.Equal(201, outcome.Status);
        Assert.Equal("second", outcome.TrackingId);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(3)], time.Delays);
        var first = SasParts.Parse(handler.Requests[0].Header("Authorization"));
        var second = SasParts.Parse(handler.Requests[1].Header("Authorization"));
        Assert.Equal(long.Parse(first.Expiry, System.Globalization.CultureInfo.InvariantCulture) + 3, long.Parse(second.Expiry, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(second.ExpectedSignature(Key), second.Signature);
        Assert.NotEqual(first.Signature, second.Signature);
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterAsHttpDate_WaitsUntilThatDate()
    {
        handler
            .Respond(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddSeconds(5)))
            .Respond(HttpStatusCode.Created);
        var client = CreateClient();

        await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal([TimeSpan.FromSeconds(5)], time.Delays);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task SendNotificationAsync_TransientStatusThenCreated_Retries(HttpStatusCode transient)
    {
        handler.Respond(transient).Respond(HttpStatusCode.Created);
        var client = CreateClient();

        var outcome = await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(201, outcome.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SendNotificationAsync_NoRetryAfter_BacksOffExponentiallyWithJitter()
    {
        handler.Respond(HttpStatusCode.InternalServerError).Respond(HttpStatusCode.InternalServerError).Respond(HttpStatusCode.Created);
        var client = CreateClient(o => o.BaseDelay = TimeSpan.FromSeconds(2));

        await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(2, time.Delays.Count);
        Assert.InRange(time.Delays[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(time.Delays[1], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task SendNotificationAsync_PersistentServiceUnavailable_ThrowsTransientAfterMaxAttempts()
    {
        handler.RespondAlways(HttpStatusCode.ServiceUnavailable, r => r.Headers.Add("TrackingId", "busy"));
        var client = CreateClient(o =>
        {
            o.MaxAttempts = 3;
            o.BaseDelay = TimeSpan.FromMilliseconds(100);
        });

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(503, exception.Status);
        Assert.Equal("busy", exception.TrackingId);
        Assert.NotNull(exception.RetryAfter);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, time.Delays.Count);
        Assert.Contains("NotificationHubs:MaxAttempts", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterWaitsExhaustBudget_StopsBeforeWaitingPastIt()
    {
        // Arrange: 8 s + 8 s fit into 20 s, a third wait of 8 s does not.
        handler.RespondAlways(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(8)));
        var client = CreateClient(o => o.MaxAttempts = 10);

        // Act
        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        // Assert
        Assert.True(exception.IsTransient);
        Assert.Equal(429, exception.Status);
        Assert.Equal(TimeSpan.FromSeconds(8), exception.RetryAfter);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], time.Delays);
        Assert.Contains("NotificationHubs:TimeBudget", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterLongerThanBudget_ThrowsAtOnce()
    {
        handler.RespondAlways(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(60)));
        var client = CreateClient();

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(60), exception.RetryAfter);
        Assert.Single(handler.Requests);
        Assert.Empty(time.Delays);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "malformed")]
    [InlineData(HttpStatusCode.Unauthorized, "NotificationHubs:ConnectionString")]
    [InlineData(HttpStatusCode.Forbidden, "NotificationHubs:ConnectionString")]
    [InlineData(HttpStatusCode.NotFound, "NotificationHubs:HubName")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "too large")]
    public async Task SendNotificationAsync_PermanentStatus_ThrowsNonTransientWithoutRetry(HttpStatusCode status, string hint)
    {
        handler.RespondAlways(status, r => r.Headers.Add("TrackingId", "tracking-4xx"));
        var client = CreateClient();

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.False(exception.IsTransient);
        Assert.Equal((int)status, exception.Status);
        Assert.Equal("tracking-4xx", exception.TrackingId);
        Assert.Null(exception.RetryAfter);
        Assert.Single(handler.Requests);
        Assert.Contains(hint, exception.Message, StringComparison.Ordinal);
        Assert.Contains("tracking-4xx", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_BadRequestWithErrorBody_IncludesDetail()
    {
        handler.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent(
            "<Error><Code>400</Code><Detail>The payload is not valid JSON.TrackingId:abc</Detail></Error>"));
        var client = CreateClient();

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.Contains("The payload is not valid JSON.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_NetworkFailureThenCreated_Retries()
    {
        handler
            .Respond((_, _) => throw new HttpRequestException("connection reset"))
            .Respond(HttpStatusCode.Created);
        var client = CreateClient();

        var outcome = await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(201, outcome.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SendNotificationAsync_PersistentNetworkFailure_ThrowsTransientWithStatusZero()
    {
        for (var i = 0; i < 2; i++)
        {
            handler.Respond((_, _) => throw new HttpRequestException("connection refused"));
        }

        var client = CreateClient(o => o.MaxAttempts = 2);

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(0, exception.Status);
        Assert.IsType<HttpRequestException>(exception.InnerException);
    }

    [Fact]
    public async Task SendNotificationAsync_AttemptHangsPastAttemptTimeout_RetriesAndSucceeds()
    {
        handler
            .Respond(async (_, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new HttpResponseMessage(HttpStatusCode.Created);
            })
            .Respond(HttpStatusCode.Created);
        var client = CreateClient(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(100));

        var outcome = await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(201, outcome.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SendNotificationAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        using var cancellation = new CancellationTokenSource();
        handler.Respond((_, _) =>
        {
            cancellation.Cancel();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        });
        var client = CreateClient();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendNotificationAsync(AppleAlert(), Tag, cancellation.Token));

        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("ServiceBusNotification-Tags")]
    [InlineData("content-type")]
    public async Task SendNotificationAsync_ReservedExtraHeader_ThrowsArgumentException(string header)
    {
        var client = CreateClient();
        var notification = new NotificationRequest(NotificationFormat.Apple, "{}", new Dictionary<string, string> { [header] = "x" });

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendNotificationAsync(notification, Tag));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task SendNotificationAsync_RetriesAndFailure_NeverLogKeyOrSignature()
    {
        handler.RespondAlways(HttpStatusCode.ServiceUnavailable);
        var logger = new CapturingLogger<NotificationHubsClient>();
        var client = CreateClient(o => o.MaxAttempts = 3, logger);

        await Assert.ThrowsAsync<NotificationHubsException>(() => client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.NotEmpty(logger.Lines);
        var signature = SasParts.Parse(handler.Requests[0].Header("Authorization")).Signature;
        Assert.All(logger.Lines, line =>
        {
            Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
            Assert.DoesNotContain("SharedAccessSignature", line, StringComparison.Ordinal);
            Assert.DoesNotContain(signature, line, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(InstallationPlatform.Apns, "apns")]
    [InlineData(InstallationPlatform.FcmV1, "fcmv1")]
    public async Task CreateOrUpdateInstallationAsync_Platform_PutsInstallationJson(InstallationPlatform platform, string expectedPlatform)
    {
        // Arrange
        handler.Respond(HttpStatusCode.OK);
        var client = CreateClient();
        var installation = new Installation("device-01", platform, "push-channel-value", [Tag]);

        // Act
        await client.CreateOrUpdateInstallationAsync(installation);

        // Assert
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("https://contoso-ns.servicebus.windows.net/com.contoso.app/installations/device-01?api-version=2020-06", request.Uri.AbsoluteUri);
        Assert.Equal("application/json", request.ContentType);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("device-01", root.GetProperty("installationId").GetString());
        Assert.Equal(expectedPlatform, root.GetProperty("platform").GetString());
        Assert.Equal("push-channel-value", root.GetProperty("pushChannel").GetString());
        Assert.Equal([Tag], root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var sas = SasParts.Parse(request.Header("Authorization"));
        Assert.Equal("https%3a%2f%2fcontoso-ns.servicebus.windows.net%2fcom.contoso.app%2finstallations%2fdevice-01", sas.ResourceUri);
        Assert.Equal(sas.ExpectedSignature(Key), sas.Signature);
    }

    [Fact]
    public async Task CreateOrUpdateInstallationAsync_Forbidden_ThrowsNonTransient()
    {
        handler.Respond(HttpStatusCode.Forbidden);
        var client = CreateClient();

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(
            () => client.CreateOrUpdateInstallationAsync(new Installation("device-01", InstallationPlatform.Apns, "ab", [Tag])));

        Assert.False(exception.IsTransient);
        Assert.Equal(403, exception.Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task DeleteInstallationAsync_NoContentOrNotFound_Succeeds(HttpStatusCode status)
    {
        handler.Respond(status);
        var client = CreateClient();

        await client.DeleteInstallationAsync("device-01");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("https://contoso-ns.servicebus.windows.net/com.contoso.app/installations/device-01?api-version=2020-06", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task DeleteInstallationAsync_Unauthorized_ThrowsNonTransient()
    {
        handler.Respond(HttpStatusCode.Unauthorized);
        var client = CreateClient();

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => client.DeleteInstallationAsync("device-01"));

        Assert.Equal(401, exception.Status);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public async Task DeleteInstallationAsync_IdNeedingEscaping_EscapesPathSegment()
    {
        handler.Respond(HttpStatusCode.NoContent);
        var client = CreateClient();

        await client.DeleteInstallationAsync("a b/c");

        Assert.Equal("/com.contoso.app/installations/a%20b%2Fc", Assert.Single(handler.Requests).Uri.AbsolutePath);
    }

    [Theory]
    [InlineData("Endpoint=https://127.0.0.1:8443/;SharedAccessKeyName=k;SharedAccessKey=v", "https://127.0.0.1:8443/com.contoso.app/messages/?api-version=2020-06")]
    [InlineData("Endpoint=http://localhost:5000/stand-in;SharedAccessKeyName=k;SharedAccessKey=v", "http://localhost:5000/stand-in/com.contoso.app/messages/?api-version=2020-06")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net;SharedAccessKeyName=k;SharedAccessKey=v", "https://ns.servicebus.windows.net/com.contoso.app/messages/?api-version=2020-06")]
    public async Task SendNotificationAsync_EndpointScheme_MapsToRequestAddress(string connectionString, string expectedUri)
    {
        handler.Respond(HttpStatusCode.Created);
        var client = CreateClient(o => o.ConnectionString = connectionString);

        await client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(expectedUri, Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }
}
