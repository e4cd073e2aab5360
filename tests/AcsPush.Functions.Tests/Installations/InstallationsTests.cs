using System.Text;
using AcsPush.Functions.Installations;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using Azure;
using Microsoft.AspNetCore.Mvc;
using Moq;
using Xunit;
using static AcsPush.Functions.Tests.Installations.InstallationsHost;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>The endpoint's answers to bodies, media types and hub failures, with the hub and the records mocked.</summary>
public class InstallationsTests
{
    private const string InstallationId = "3f2b8c1e-iphone";
    private const string ApnsToken = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";
    private const string FcmToken = "dQw4w9WgXcQ:APA91bH-example_token-0123456789";

    private readonly MockedEndpoint mocked = new();
    private Installation? saved;

    private Mock<INotificationHubsClient> hubs => mocked.Hubs;

    private Mock<IInstallationOwners> owners => mocked.Owners;

    private InstallationEndpoint CreateEndpoint() => mocked.Create();

    /// <summary>No record and no installation yet: the request may claim the id.</summary>
    private void NothingRegisteredYet()
    {
        owners.Setup(o => o.GetAsync(InstallationId, It.IsAny<CancellationToken>())).ReturnsAsync((OwnerRecord?)null);
        hubs.Setup(h => h.GetInstallationAsync(InstallationId, It.IsAny<CancellationToken>())).ReturnsAsync((StoredInstallation?)null);
        owners.Setup(o => o.TryInsertAsync(InstallationId, It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, string tag, DateTimeOffset until, CancellationToken _) => new OwnerRecord(id, tag, until, new ETag("1")));
        owners.Setup(o => o.ReleaseAsync(It.IsAny<OwnerRecord>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    private void HubAcceptsPut()
    {
        NothingRegisteredYet();
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .Callback<Installation, CancellationToken>((installation, _) => saved = installation)
            .Returns(Task.CompletedTask);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Request(string body, string? contentType = "application/json", bool declareLength = true) =>
        EventGrid.HttpRequests.Create("PUT", Encoding.UTF8.GetBytes(body), contentType, sendContentLength: declareLength);

    private static string ApnsBody(string platform = "apns", string pushChannel = ApnsToken, string userId = UserA) =>
        $$"""{"platform":"{{platform}}","pushChannel":"{{pushChannel}}","userId":"{{userId}}"}""";

    internal static ValidationProblemDetails AssertValidationProblem(IActionResult result)
    {
        var (status, problem) = Read(result);
        Assert.Equal(400, status);
        return Assert.IsType<ValidationProblemDetails>(problem);
    }

    [Fact]
    public async Task Put_ValidApnsBody_SavesInstallationTaggedWithRecipientTag()
    {
        // Arrange
        HubAcceptsPut();

        // Act
        var result = await CreateEndpoint().HandleAsync(Request(ApnsBody()), InstallationId);

        // Assert
        Assert.IsType<NoContentResult>(result);
        Assert.NotNull(saved);
        Assert.Equal(InstallationId, saved.InstallationId);
        Assert.Equal(InstallationPlatform.Apns, saved.Platform);
        Assert.Equal(ApnsToken.ToLowerInvariant(), saved.PushChannel);
        Assert.Equal([RecipientTag.For(UserA)], saved.Tags);
    }

    [Fact]
    public async Task Put_ValidFcmV1Body_SavesFcmInstallationUnchangedToken()
    {
        HubAcceptsPut();

        var result = await CreateEndpoint().HandleAsync(Request(ApnsBody("fcmv1", FcmToken), "application/json; charset=utf-8"), InstallationId);

        Assert.IsType<NoContentResult>(result);
        Assert.Equal(new[] { RecipientTag.For(UserA) }, saved!.Tags);
        Assert.Equal(InstallationPlatform.FcmV1, saved.Platform);
        Assert.Equal(FcmToken, saved.PushChannel);
    }

    [Fact]
    public async Task Put_BodyWithTags_Returns400NamingTagsAndNeverCallsHub()
    {
        var body = $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}","tags":["admins"]}""";

        var result = await CreateEndpoint().HandleAsync(Request(body), InstallationId);

        Assert.Equal(["tags"], AssertValidationProblem(result).Errors.Keys);
        hubs.VerifyNoOtherCalls();
        owners.VerifyNoOtherCalls();
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"pushChannel":"00","userId":"8:acs:x"}""".Replace("00", ApnsToken, StringComparison.Ordinal), "platform" },
        { ApnsBody(platform: "wns"), "platform" },
        { $$"""{"platform":5,"pushChannel":"{{ApnsToken}}","userId":"{{UserA}}"}""", "platform" },
        { $$"""{"platform":"apns","userId":"{{UserA}}"}""", "pushChannel" },
        { ApnsBody(pushChannel: ""), "pushChannel" },
        { ApnsBody(pushChannel: new string('z', 64)), "pushChannel" },
        { ApnsBody(pushChannel: "abcd"), "pushChannel" },
        { ApnsBody(pushChannel: ApnsToken + "0"), "pushChannel" },
        { ApnsBody(pushChannel: new string('a', 202)), "pushChannel" },
        { ApnsBody("fcmv1", "token with spaces"), "pushChannel" },
        { ApnsBody("fcmv1", new string('a', 4097)), "pushChannel" },
        { $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}"}""", "userId" },
        { ApnsBody(userId: "4:+15551234567"), "userId" },
        { ApnsBody(userId: "8:teamsvisitor:abc"), "userId" },
        { ApnsBody(userId: "8:acs:"), "userId" },
        { ApnsBody(userId: "8:acs:has spaces"), "userId" },
        { ApnsBody(userId: "8:acs:" + new string('a', 251)), "userId" },
        { $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}","userId":"{{UserB}}"}""", "userId" },
        { $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}","USERID":"{{UserA}}"}""", "userId" },
        { $$"""{"platform":"apns","platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}"}""", "platform" },
        { $$"""{"installationId":"other","platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}"}""", "installationId" },
        { "[]", "body" },
        { "\"text\"", "body" },
        { "{\"platform\":", "body" },
        { "{\"a\":" + new string('[', 10) + new string(']', 10) + "}", "body" },
        { "", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Put_InvalidBody_Returns400NamingTheField(string body, string field)
    {
        var result = await CreateEndpoint().HandleAsync(Request(body), InstallationId);

        var problem = AssertValidationProblem(result);
        Assert.Equal([field], problem.Errors.Keys);
        Assert.NotEmpty(problem.Errors[field][0]);
        hubs.VerifyNoOtherCalls();
        owners.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Put_SeveralBadFields_NamesEachOne()
    {
        var result = await CreateEndpoint().HandleAsync(Request("""{"platform":"mpns","pushChannel":"","userId":"bob","tags":[]}"""), InstallationId);

        var problem = AssertValidationProblem(result);
        Assert.Equal(["platform", "pushChannel", "tags", "userId"], problem.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("PUT", "")]
    [InlineData("PUT", "has space")]
    [InlineData("PUT", "-leading-dash")]
    [InlineData("PUT", "..")]
    [InlineData("DELETE", "a/b")]
    [InlineData("DELETE", "12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Handle_InvalidInstallationId_Returns400NamingInstallationId(string method, string installationId)
    {
        var request = method == "PUT" ? Request(ApnsBody()) : Delete(UserA);

        var result = await CreateEndpoint().HandleAsync(request, installationId);

        Assert.Equal(["installationId"], AssertValidationProblem(result).Errors.Keys);
        hubs.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task Put_NotJsonContentType_Returns415(string? contentType)
    {
        var result = await CreateEndpoint().HandleAsync(Request(ApnsBody(), contentType), InstallationId);

        Assert.Equal(415, Read(result).Status);
        hubs.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Put_BodyOverLimit_Returns413(bool declareLength)
    {
        var body = $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{UserA}}","padding":"{{new string('x', 17_000)}}"}""";

        var result = await CreateEndpoint().HandleAsync(Request(body, declareLength: declareLength), InstallationId);

        Assert.Equal(413, Read(result).Status);
        hubs.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Put_HubTransientFailure_Returns503WithRetryAfterAndReleasesTheLease()
    {
        // Arrange
        NothingRegisteredYet();
        var failure = new NotificationHubsException("busy", 429, "tracking-busy", isTransient: true) { RetryAfter = TimeSpan.FromSeconds(7.2) };
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        var request = Request(ApnsBody());

        // Act
        var (status, problem) = Read(await CreateEndpoint().HandleAsync(request, InstallationId));

        // Assert
        Assert.Equal(503, status);
        Assert.Equal("8", request.HttpContext.Response.Headers.RetryAfter.ToString());
        Assert.Equal("tracking-busy", problem!.Extensions["trackingId"]);
        owners.Verify(o => o.ReleaseAsync(It.IsAny<OwnerRecord>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Put_HubTransientWithoutHint_Returns503WithDefaultRetryAfter()
    {
        NothingRegisteredYet();
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("down", 0, null, isTransient: true));
        var request = Request(ApnsBody());

        var result = await CreateEndpoint().HandleAsync(request, InstallationId);

        Assert.Equal(503, Read(result).Status);
        Assert.Equal("5", request.HttpContext.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData(401, "NotificationHubs:ConnectionString")]
    [InlineData(403, "NotificationHubs:ConnectionString")]
    [InlineData(404, "NotificationHubs:HubName")]
    [InlineData(400, "pushChannel")]
    public async Task Put_HubRejects_Returns502SayingWhatToCheck(int hubStatus, string hint)
    {
        // Arrange
        NothingRegisteredYet();
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("rejected", hubStatus, "tracking-rejected", isTransient: false));
        var request = Request(ApnsBody());

        // Act
        var (status, problem) = Read(await CreateEndpoint().HandleAsync(request, InstallationId));

        // Assert
        Assert.Equal(502, status);
        Assert.Contains(hint, problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(hubStatus, problem.Extensions["hubStatus"]);
        Assert.Equal("tracking-rejected", problem.Extensions["trackingId"]);
        Assert.False(request.HttpContext.Response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task Delete_HubFailsOnTheOwnersGet_Returns503()
    {
        owners.Setup(o => o.GetAsync(InstallationId, It.IsAny<CancellationToken>())).ReturnsAsync((OwnerRecord?)null);
        hubs.Setup(h => h.GetInstallationAsync(InstallationId, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("down", 503, "t", isTransient: true));

        var result = await CreateEndpoint().HandleAsync(Delete(UserA), InstallationId);

        Assert.Equal(503, Read(result).Status);
        owners.Verify(o => o.TryInsertAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
