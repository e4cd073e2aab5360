using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AcsPush.Functions.NotificationHubs;
using Xunit;
using static AcsPush.Functions.Tests.NotificationHubs.HubClientHost;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>
/// The client through the app's own wiring (resilience pipeline, signing handler), against a scripted hub at the
/// <see cref="HttpMessageHandler"/>: what goes out on each attempt, and what the caller gets back.
/// </summary>
public sealed class NotificationHubsClientTests : IDisposable
{
    private const string Tag = "acsuser_0123456789abcdef";

    private HubClientHost host = new();

    public void Dispose() => host.Dispose();

    private RecordingHandler Hub => host.Hub;

    private INotificationHubsClient Client => host.Client;

    /// <summary>Starts over with changed settings; call it before scripting the hub.</summary>
    private void Configure(Action<Dictionary<string, string>> settings)
    {
        host.Dispose();
        host = new HubClientHost(settings);
    }

    private static NotificationRequest AppleAlert() => new(
        NotificationFormat.Apple,
        """{"aps":{"alert":{"title":"Contoso","body":"New message"}}}""",
        new Dictionary<string, string> { ["apns-push-type"] = "alert", ["apns-priority"] = "10" });

    private static long Seconds(string expiry) => long.Parse(expiry, CultureInfo.InvariantCulture);

    [Fact]
    public async Task SendNotificationAsync_AppleAlert_PostsSignedRequestToMessages()
    {
        // Arrange
        Hub.Respond(HttpStatusCode.Created);
        var notification = AppleAlert();

        // Act
        await Client.SendNotificationAsync(notification, Tag);

        // Assert
        var request = Assert.Single(Hub.Requests);
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
        Assert.Equal((Start + SharedAccessSignatureHandler.TokenLifetime).ToUnixTimeSeconds(), Seconds(sas.Expiry));
        Assert.Equal(sas.ExpectedSignature(Key), sas.Signature);
    }

    [Fact]
    public async Task SendNotificationAsync_FcmV1_SendsFcmv1Format()
    {
        Hub.Respond(HttpStatusCode.Created);

        await Client.SendNotificationAsync(new NotificationRequest(NotificationFormat.FcmV1, """{"message":{"data":{"k":"v"}}}"""), Tag);

        var request = Assert.Single(Hub.Requests);
        Assert.Equal("fcmv1", request.Header("ServiceBusNotification-Format"));
        Assert.False(request.Headers.ContainsKey("apns-push-type"));
    }

    [Fact]
    public async Task SendNotificationAsync_Created_ReturnsTrackingIdAndNotificationId()
    {
        Hub.Respond(HttpStatusCode.Created, response =>
        {
            response.Headers.Add("TrackingId", "tracking-201");
            response.Headers.Location = new Uri("https://contoso-ns.servicebus.windows.net/com.contoso.app/messages/1234567890?api-version=2020-06");
        });

        var outcome = await Client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(new NotificationOutcome(201, "tracking-201", "1234567890"), outcome);
    }

    [Fact]
    public async Task SendNotificationAsync_Created_LogsTheAttemptAtDebugOnly()
    {
        Hub.Respond(HttpStatusCode.Created);

        await Client.SendNotificationAsync(AppleAlert(), Tag);

        var attempts = host.Logs.Lines.Where(line => line.Contains("Execution attempt", StringComparison.Ordinal)).ToList();
        Assert.Single(attempts);
        Assert.StartsWith("Debug:", attempts[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_TooManyRequestsWithRetryAfterThenCreated_WaitsAndSendsTheSameRequestWithAValidToken()
    {
        // Arrange
        Hub.Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
            .Respond(HttpStatusCode.Created, r => r.Headers.Add("TrackingId", "second"));

        // Act
        var outcome = await Client.SendNotificationAsync(AppleAlert(), Tag);

        // Assert: one wait of exactly the Retry-After, and the retry carries one valid token, alone in its header.
        Assert.Equal(201, outcome.Status);
        Assert.Equal("second", outcome.TrackingId);
        Assert.Equal([TimeSpan.FromSeconds(3)], host.Clock.Delays);
        Assert.Equal(2, Hub.Requests.Count);
        var second = SasParts.Parse(Hub.Requests[1].Header("Authorization"));
        Assert.Equal(second.ExpectedSignature(Key), second.Signature);
        Assert.True(Seconds(second.Expiry) - Start.AddSeconds(3).ToUnixTimeSeconds() >= SharedAccessSignatureHandler.MinRemainingLifetime.TotalSeconds);
        Assert.Equal(Hub.Requests[0].Body, Hub.Requests[1].Body);
        Assert.Equal(Tag, Hub.Requests[1].Header("ServiceBusNotification-Tags"));
    }

    [Fact]
    public async Task SendNotificationAsync_SendsSoonAfterEachOther_ReuseOneCachedToken()
    {
        Hub.Respond(HttpStatusCode.Created).Respond(HttpStatusCode.Created);

        await Client.SendNotificationAsync(AppleAlert(), Tag);
        host.Clock.Advance(SharedAccessSignatureHandler.TokenLifetime - SharedAccessSignatureHandler.MinRemainingLifetime);
        await Client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(Hub.Requests[0].Header("Authorization"), Hub.Requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task SendNotificationAsync_CachedTokenNearItsExpiry_SignsANewOne()
    {
        Hub.Respond(HttpStatusCode.Created).Respond(HttpStatusCode.Created);

        await Client.SendNotificationAsync(AppleAlert(), Tag);
        var elapsed = SharedAccessSignatureHandler.TokenLifetime - SharedAccessSignatureHandler.MinRemainingLifetime + TimeSpan.FromSeconds(1);
        host.Clock.Advance(elapsed);
        await Client.SendNotificationAsync(AppleAlert(), Tag);

        var first = SasParts.Parse(Hub.Requests[0].Header("Authorization"));
        var second = SasParts.Parse(Hub.Requests[1].Header("Authorization"));
        Assert.Equal(Seconds(first.Expiry) + (long)elapsed.TotalSeconds, Seconds(second.Expiry));
        Assert.Equal(second.ExpectedSignature(Key), second.Signature);
        Assert.NotEqual(first.Signature, second.Signature);
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterPastTheCallersDeadline_StopsWithoutWaiting()
    {
        Hub.Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)));
        var notification = AppleAlert() with { Deadline = Start.AddSeconds(4) };

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(notification, Tag));

        Assert.True(exception.IsTransient);
        Assert.Single(Hub.Requests);
        Assert.Empty(host.Clock.Delays);
        Assert.Contains("the caller's deadline", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_PersistentServiceUnavailable_ThrowsTransientAfterMaxAttempts()
    {
        Configure(s => s["MaxAttempts"] = "3");
        Hub.RespondAlways(HttpStatusCode.ServiceUnavailable, r => r.Headers.Add("TrackingId", "busy"));

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(503, exception.Status);
        Assert.Equal("busy", exception.TrackingId);
        Assert.Null(exception.RetryAfter);
        Assert.Equal(3, Hub.Requests.Count);
        Assert.Contains("Notification Hubs send gave up; last status 503, TrackingId busy", host.Logs.Messages);
        Assert.Equal(2, host.Clock.Delays.Count);
        Assert.Contains("NotificationHubs:MaxAttempts is 3", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterWaitsExhaustBudget_StopsBeforeWaitingPastIt()
    {
        // Arrange: 8 s + 8 s fit into 20 s, a third wait of 8 s does not.
        Configure(s => s["MaxAttempts"] = "10");
        Hub.RespondAlways(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(8)));

        // Act
        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        // Assert
        Assert.True(exception.IsTransient);
        Assert.Equal(429, exception.Status);
        Assert.Equal(TimeSpan.FromSeconds(8), exception.RetryAfter);
        Assert.Equal(3, Hub.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], host.Clock.Delays);
        Assert.Contains("NotificationHubs:TimeBudget", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_SlowHubSpendsBudget_ThrowsTransientWhenBudgetEnds()
    {
        // Each answer takes 12 s of the 20 s budget: the second attempt is cut off by the budget, not by its attempt timeout.
        Configure(s => s["AttemptTimeout"] = "00:00:15");
        for (var i = 0; i < 2; i++)
        {
            Hub.Respond((_, token) =>
            {
                host.Clock.Advance(TimeSpan.FromSeconds(12));
                token.ThrowIfCancellationRequested();
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            });
        }

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(0, exception.Status);
        Assert.Equal(2, Hub.Requests.Count);
        Assert.Contains("time budget ran out (NotificationHubs:TimeBudget is 20 s)", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "malformed")]
    [InlineData(HttpStatusCode.Unauthorized, "NotificationHubs:ConnectionString")]
    [InlineData(HttpStatusCode.Forbidden, "NotificationHubs:ConnectionString")]
    [InlineData(HttpStatusCode.NotFound, "NotificationHubs:HubName")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "too large")]
    public async Task SendNotificationAsync_PermanentStatus_ThrowsNonTransientWithoutRetry(HttpStatusCode status, string hint)
    {
        Hub.RespondAlways(status, r => r.Headers.Add("TrackingId", "tracking-4xx"));

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.False(exception.IsTransient);
        Assert.Equal((int)status, exception.Status);
        Assert.Equal("tracking-4xx", exception.TrackingId);
        Assert.Null(exception.RetryAfter);
        Assert.Single(Hub.Requests);
        Assert.Contains(hint, exception.Message, StringComparison.Ordinal);
        // The Warning an operator looks up the refusal by (docs/operations.md).
        Assert.Contains($"Notification Hubs send was rejected with status {(int)status}, TrackingId tracking-4xx", host.Logs.Messages);
        Assert.Contains("tracking-4xx", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task SendNotificationAsync_HubRefusesTheApp_MessageCarriesTheSharedHint(int status)
    {
        Hub.Respond((HttpStatusCode)status);

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.NotNull(exception.ConfigurationHint);
        Assert.Contains(exception.ConfigurationHint, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_BadRequestWithErrorBody_IncludesDetail()
    {
        Hub.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent(
            "<Error><Code>400</Code><Detail>The payload is not valid JSON.TrackingId:abc</Detail></Error>"));

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.Contains("The payload is not valid JSON.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_PersistentNetworkFailure_RetriesThenThrowsTransientWithStatusZero()
    {
        Configure(s => s["MaxAttempts"] = "2");
        Hub.Respond((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"))
            .Respond((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(0, exception.Status);
        Assert.IsType<HttpRequestException>(exception.InnerException);
        Assert.Equal(2, Hub.Requests.Count);
        Assert.Contains("NotificationHubs:MaxAttempts is 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_AttemptHangsPastAttemptTimeout_DoesNotRepeatTheSend()
    {
        // The hub may have accepted the send and only be late to say so: a repeat would reach the device again.
        Hub.Respond(async (_, token) =>
        {
            host.Clock.Advance(TimeSpan.FromSeconds(11));
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.Created);
        });

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Equal(0, exception.Status);
        Assert.Single(Hub.Requests);
        Assert.Contains("may have reached the hub", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_ConnectionLostAfterSending_DoesNotRepeatTheSend()
    {
        Hub.Respond((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "the server closed the connection"));

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        Assert.True(exception.IsTransient);
        Assert.Single(Hub.Requests);
    }

    [Fact]
    public async Task CreateOrUpdateInstallationAsync_AttemptHangsPastAttemptTimeout_RetriesTheIdempotentPut()
    {
        Hub.Respond(async (_, token) =>
            {
                host.Clock.Advance(TimeSpan.FromSeconds(11));
                await Task.Delay(Timeout.Infinite, token);
                return new HttpResponseMessage(HttpStatusCode.OK);
            })
            .Respond(HttpStatusCode.OK);

        await Client.CreateOrUpdateInstallationAsync(new Installation("device-1", InstallationPlatform.Apns, new string('a', 64), ["acsuser_x"]));

        Assert.Equal(2, Hub.Requests.Count);
    }

    [Fact]
    public async Task SendNotificationAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        using var cancellation = new CancellationTokenSource();
        Hub.Respond((_, _) =>
        {
            cancellation.Cancel();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.SendNotificationAsync(AppleAlert(), Tag, cancellation.Token));

        Assert.Single(Hub.Requests);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("ServiceBusNotification-Tags")]
    [InlineData("content-type")]
    public async Task SendNotificationAsync_ReservedExtraHeader_ThrowsArgumentException(string header)
    {
        var notification = new NotificationRequest(NotificationFormat.Apple, "{}", new Dictionary<string, string> { [header] = "x" });

        await Assert.ThrowsAsync<ArgumentException>(() => Client.SendNotificationAsync(notification, Tag));

        Assert.Empty(Hub.Requests);
    }

    [Fact]
    public async Task SendNotificationAsync_RetriesAndFailure_NeverLogKeyOrSignature()
    {
        Configure(s => s["MaxAttempts"] = "3");
        Hub.RespondAlways(HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(AppleAlert(), Tag));

        // Every category at Trace: the client and the resilience telemetry. The HTTP client factory's request loggers
        // (which would log the headers, the Authorization header redacted) are removed from this client.
        var lines = host.Logs.Lines;
        Assert.Contains(lines, line => line.Contains("OnRetry", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Sending HTTP request", StringComparison.Ordinal));
        var signatures = Hub.Requests.Select(r => SasParts.Parse(r.Header("Authorization")).Signature).ToList();
        Assert.Equal(3, signatures.Count);
        Assert.All(lines, line =>
        {
            Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
            Assert.DoesNotContain("SharedAccessSignature", line, StringComparison.Ordinal);
            Assert.All(signatures, signature => Assert.DoesNotContain(signature, line, StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData(InstallationPlatform.Apns, "apns")]
    [InlineData(InstallationPlatform.FcmV1, "fcmv1")]
    public async Task CreateOrUpdateInstallationAsync_Platform_PutsInstallationJson(InstallationPlatform platform, string expectedPlatform)
    {
        // Arrange
        Hub.Respond(HttpStatusCode.OK);
        var installation = new Installation("device-01", platform, "push-channel-value", [Tag]);

        // Act
        await Client.CreateOrUpdateInstallationAsync(installation);

        // Assert
        var request = Assert.Single(Hub.Requests);
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
    public async Task CreateOrUpdateInstallationAsync_ServiceUnavailableThenOk_RetriesThePut()
    {
        Hub.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK);

        await Client.CreateOrUpdateInstallationAsync(new Installation("device-01", InstallationPlatform.Apns, "ab", [Tag]));

        Assert.Equal(2, Hub.Requests.Count);
        Assert.All(Hub.Requests, r => Assert.Equal(HttpMethod.Put, r.Method));
        Assert.Equal(Hub.Requests[0].Body, Hub.Requests[1].Body);
    }

    [Fact]
    public async Task CreateOrUpdateInstallationAsync_Forbidden_ThrowsNonTransient()
    {
        Hub.Respond(HttpStatusCode.Forbidden);

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(
            () => Client.CreateOrUpdateInstallationAsync(new Installation("device-01", InstallationPlatform.Apns, "ab", [Tag])));

        Assert.False(exception.IsTransient);
        Assert.Equal(403, exception.Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task DeleteInstallationAsync_NoContentOrNotFound_Succeeds(HttpStatusCode status)
    {
        Hub.Respond(status);

        await Client.DeleteInstallationAsync("device-01");

        var request = Assert.Single(Hub.Requests);
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("https://contoso-ns.servicebus.windows.net/com.contoso.app/installations/device-01?api-version=2020-06", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task DeleteInstallationAsync_Unauthorized_ThrowsNonTransient()
    {
        Hub.Respond(HttpStatusCode.Unauthorized);

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() => Client.DeleteInstallationAsync("device-01"));

        Assert.Equal(401, exception.Status);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public async Task DeleteInstallationAsync_IdNeedingEscaping_EscapesPathSegment()
    {
        Hub.Respond(HttpStatusCode.NoContent);

        await Client.DeleteInstallationAsync("a b/c");

        Assert.Equal("/com.contoso.app/installations/a%20b%2Fc", Assert.Single(Hub.Requests).Uri.AbsolutePath);
    }

    [Theory]
    [InlineData("Endpoint=https://127.0.0.1:8443/;SharedAccessKeyName=k;SharedAccessKey=v", "https://127.0.0.1:8443/com.contoso.app/messages/?api-version=2020-06")]
    [InlineData("Endpoint=http://localhost:5000/stand-in;SharedAccessKeyName=k;SharedAccessKey=v", "http://localhost:5000/stand-in/com.contoso.app/messages/?api-version=2020-06")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net;SharedAccessKeyName=k;SharedAccessKey=v", "https://ns.servicebus.windows.net/com.contoso.app/messages/?api-version=2020-06")]
    public async Task SendNotificationAsync_EndpointScheme_MapsToRequestAddress(string connectionString, string expectedUri)
    {
        Configure(s => s["ConnectionString"] = connectionString);
        Hub.Respond(HttpStatusCode.Created);

        await Client.SendNotificationAsync(AppleAlert(), Tag);

        Assert.Equal(expectedUri, Assert.Single(Hub.Requests).Uri.AbsoluteUri);
    }
}
