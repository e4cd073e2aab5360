using System.Net;
using System.Net.Http.Headers;
using AcsPush.Functions.NotificationHubs;
using Xunit;
using static AcsPush.Functions.Tests.NotificationHubs.HubClientHost;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary>
/// How the client reads the hub's answers at their edges (status boundaries, the notification id in <c>Location</c>,
/// error details, the text of a transient failure) and what it refuses to send (line breaks in header values).
/// </summary>
public sealed class NotificationHubsClientAnswerTests : IDisposable
{
    private const string Tag = "acsuser_0123456789abcdef";
    private const string HubUri = "https://contoso-ns.servicebus.windows.net/com.contoso.app/";

    private HubClientHost host = new();

    public void Dispose() => host.Dispose();

    private RecordingHandler Hub => host.Hub;

    private INotificationHubsClient Client => host.Client;

    private void Configure(Action<Dictionary<string, string>> settings)
    {
        host.Dispose();
        host = new HubClientHost(settings);
    }

    private static NotificationRequest Alert(IReadOnlyDictionary<string, string>? headers = null) =>
        new(NotificationFormat.Apple, """{"aps":{"alert":"hi"}}""", headers);

    private Task<NotificationHubsException> SendFailsAsync() =>
        Assert.ThrowsAsync<NotificationHubsException>(() => Client.SendNotificationAsync(Alert(), Tag));

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(299)]
    public async Task SendNotificationAsync_TwoHundredToTwoNinetyNine_IsAcceptedWithItsStatus(int status)
    {
        Hub.Respond((HttpStatusCode)status);

        var outcome = await Client.SendNotificationAsync(Alert(), Tag);

        Assert.Equal(status, outcome.Status);
        Assert.Single(Hub.Requests);
    }

    [Fact]
    public async Task SendNotificationAsync_ThreeHundred_IsRefusedForGoodWithoutRetry()
    {
        Hub.RespondAlways((HttpStatusCode)300);

        var exception = await SendFailsAsync();

        Assert.False(exception.IsTransient);
        Assert.Equal(300, exception.Status);
        Assert.Single(Hub.Requests);
        Assert.Contains("rejected with HTTP 300. The hub gave an unexpected answer.", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HubUri + "messages/1234567890?api-version=2020-06", "1234567890")]
    [InlineData("/com.contoso.app/messages/abc-1?api-version=2020-06", "abc-1")]
    [InlineData("https://stand-in.example/messages/42", "42")]
    [InlineData(HubUri + "messages/id%20with%20space", "id with space")]
    [InlineData("https://contoso-ns.servicebus.windows.net/messages/messages/7", "7")]
    [InlineData(HubUri + "messages/", null)]
    [InlineData(HubUri + "registrations/9", null)]
    public async Task SendNotificationAsync_Location_NotificationIdIsTheSegmentAfterMessages(string location, string? expectedId)
    {
        Hub.Respond(HttpStatusCode.Created, r => r.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute));

        var outcome = await Client.SendNotificationAsync(Alert(), Tag);

        Assert.Equal(expectedId, outcome.NotificationId);
    }

    [Fact]
    public async Task SendNotificationAsync_NoLocation_HasNoNotificationId()
    {
        Hub.Respond(HttpStatusCode.Created);

        var outcome = await Client.SendNotificationAsync(Alert(), Tag);

        Assert.Null(outcome.NotificationId);
        Assert.Null(outcome.TrackingId);
    }

    [Theory]
    [InlineData("\nacsuser_1")]
    [InlineData("acsuser_1\r\nX-Injected: yes")]
    [InlineData("acsuser_1\r")]
    public async Task SendNotificationAsync_LineBreakInTagExpression_ThrowsBeforeSending(string tagExpression)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Client.SendNotificationAsync(Alert(), tagExpression));

        Assert.Equal("tagExpression", exception.ParamName);
        Assert.StartsWith("Header values cannot contain line breaks.", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Hub.Requests);
    }

    [Theory]
    [InlineData("\n10")]
    [InlineData("10\r\nX-Injected: yes")]
    public async Task SendNotificationAsync_LineBreakInExtraHeaderValue_ThrowsBeforeSending(string value)
    {
        var notification = Alert(new Dictionary<string, string> { ["apns-priority"] = value });

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Client.SendNotificationAsync(notification, Tag));

        Assert.Equal("notification", exception.ParamName);
        Assert.StartsWith("Header values cannot contain line breaks.", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Hub.Requests);
    }

    [Fact]
    public async Task SendNotificationAsync_FormatHeaderAmongExtraHeaders_ThrowsNamingIt()
    {
        var notification = Alert(new Dictionary<string, string> { ["ServiceBusNotification-Format"] = "gcm" });

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Client.SendNotificationAsync(notification, Tag));

        Assert.StartsWith("Header 'ServiceBusNotification-Format' is set by the client and cannot be overridden.", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Hub.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Calls_BlankTagOrInstallationId_ThrowWithoutARequest(string blank)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.SendNotificationAsync(Alert(), blank));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.DeleteInstallationAsync(blank));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetInstallationAsync(blank));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.CreateOrUpdateInstallationAsync(new Installation(blank, InstallationPlatform.Apns, "ab12", [Tag])));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.CreateOrUpdateInstallationAsync(new Installation("device-1", InstallationPlatform.Apns, blank, [Tag])));

        Assert.Empty(Hub.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task SendNotificationAsync_CredentialRefusalWithDetail_LeavesTheDetailOut(HttpStatusCode status)
    {
        Hub.Respond(status, r => r.Content = new StringContent("<Error><Detail>InvalidSignature: sig=abc</Detail></Error>"));

        var exception = await SendFailsAsync();

        Assert.DoesNotContain("Detail", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidSignature", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_ErrorBodyWithoutDetail_AddsNoDetail()
    {
        Hub.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent("<Error><Code>400</Code></Error>"));

        var exception = await SendFailsAsync();

        Assert.DoesNotContain("Detail:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_DetailPastTheFirst8192Characters_IsNotRead()
    {
        Hub.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent(new string(' ', 8192) + "<Detail>late</Detail>"));

        var exception = await SendFailsAsync();

        Assert.DoesNotContain("late", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_DetailOnSeveralLines_IsOneLineDecoded()
    {
        Hub.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent("<Detail> first\r\nsecond &amp; third </Detail>"));

        var exception = await SendFailsAsync();

        Assert.Contains(" Detail: first second & third", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, "")]
    [InlineData(301, "\u2026")]
    public async Task SendNotificationAsync_LongDetail_KeepsTheFirst300CharactersThenAnEllipsis(int length, string ellipsis)
    {
        var detail = new string('d', length - 1) + "Z";
        Hub.Respond(HttpStatusCode.BadRequest, r => r.Content = new StringContent($"<Detail>{detail}</Detail>"));

        var exception = await SendFailsAsync();

        Assert.EndsWith(" Detail: " + detail[..300] + ellipsis, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_TransientWithTrackingId_MessageNamesStatusAndTrackingId()
    {
        Configure(s => s["MaxAttempts"] = "1");
        Hub.Respond(HttpStatusCode.ServiceUnavailable, r => r.Headers.Add("TrackingId", "track-503"));

        var exception = await SendFailsAsync();

        Assert.Contains("the last attempt got HTTP 503.", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(" TrackingId: track-503.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_NetworkFailureWithoutAnswer_MessageSaysNoAnswerAndNoTrackingId()
    {
        Configure(s => s["MaxAttempts"] = "1");
        Hub.Respond((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        var exception = await SendFailsAsync();

        Assert.Contains("the last attempt got no answer (network failure or attempt timeout).", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TrackingId", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("(NotificationHubs:MaxAttempts is 1).", exception.Message, StringComparison.Ordinal); // nothing after the reason
    }

    [Fact]
    public async Task SendNotificationAsync_RetryAfterPastTheBudgetWithoutCallerDeadline_NamesTheBudgetNotACallerDeadline()
    {
        Hub.Respond(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));

        var exception = await SendFailsAsync();

        Assert.Contains("the hub asked to wait 30 s, past the time budget (NotificationHubs:TimeBudget is 20 s)", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("caller's deadline", exception.Message, StringComparison.Ordinal);
        Assert.Single(Hub.Requests);
    }

    [Fact]
    public async Task SendNotificationAsync_BudgetEndsExactlyDuringAnAttempt_SaysTheBudgetRanOut()
    {
        // The attempt takes the whole budget: the clock stands exactly at the deadline when the call gives up.
        Configure(s => s["AttemptTimeout"] = "00:05:00");
        Hub.Respond(async (_, token) =>
        {
            host.Clock.Advance(TimeSpan.FromSeconds(20));
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.Created);
        });

        var exception = await SendFailsAsync();

        Assert.Equal(Start.AddSeconds(20), host.Clock.GetUtcNow());
        Assert.Contains("Stopped because the time budget ran out (NotificationHubs:TimeBudget is 20 s).", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendNotificationAsync_FailsAfterTheCallersDeadline_SaysTheCallersDeadlineRanOut()
    {
        Configure(s => s["MaxAttempts"] = "1");
        Hub.Respond((_, _) =>
        {
            host.Clock.Advance(TimeSpan.FromSeconds(6));
            throw new HttpRequestException(HttpRequestError.ConnectionError, "refused");
        });

        var exception = await Assert.ThrowsAsync<NotificationHubsException>(() =>
            Client.SendNotificationAsync(Alert() with { Deadline = Start.AddSeconds(5) }, Tag));

        Assert.Contains("the time budget ran out (the caller's deadline, which came before NotificationHubs:TimeBudget)", exception.Message, StringComparison.Ordinal);
    }
}
