using System.Text;
using AcsPush.Functions.NotificationHubs;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using InstallationsFunction = AcsPush.Functions.Installations.Installations;

namespace AcsPush.Functions.Tests.Installations;

public class InstallationsTests
{
    private const string InstallationId = "3f2b8c1e-iphone";
    private const string AcsUser = "8:acs:1b5cc06b-f352-4571-b1e6-d9b259b7c776_00000007-0464-274b-b274-5a3a0d00beab";
    private const string ApnsToken = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";
    private const string FcmToken = "dQw4w9WgXcQ:APA91bH-example_token-0123456789";

    private readonly Mock<INotificationHubsClient> hubs = new(MockBehavior.Strict);
    private Installation? saved;

    private InstallationsFunction CreateFunction() => new(hubs.Object, NullLogger<InstallationsFunction>.Instance);

    private void HubAcceptsPut() =>
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .Callback<Installation, CancellationToken>((installation, _) => saved = installation)
            .Returns(Task.CompletedTask);

    private static HttpRequest Request(string method, string? body = null, string? contentType = "application/json", bool declareLength = true) =>
        HttpRequests.Create(method, Encoding.UTF8.GetBytes(body ?? string.Empty), contentType, sendContentLength: declareLength);

    private static string Body(string platform = "apns", string pushChannel = ApnsToken, string userId = AcsUser) =>
        $$"""{"platform":"{{platform}}","pushChannel":"{{pushChannel}}","userId":"{{userId}}"}""";

    private static ValidationProblemDetails AssertValidationProblem(IActionResult result)
    {
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, objectResult.StatusCode);
        Assert.Contains("application/problem+json", objectResult.ContentTypes);
        return Assert.IsType<ValidationProblemDetails>(objectResult.Value);
    }

    [Fact]
    public async Task Put_ValidApnsBody_SavesInstallationTaggedWithRecipientTag()
    {
        // Arrange
        HubAcceptsPut();
        var function = CreateFunction();

        // Act
        var result = await function.RunAsync(Request("PUT", Body()), InstallationId);

        // Assert
        Assert.IsType<NoContentResult>(result);
        Assert.NotNull(saved);
        Assert.Equal(InstallationId, saved.InstallationId);
        Assert.Equal(InstallationPlatform.Apns, saved.Platform);
        Assert.Equal(ApnsToken.ToLowerInvariant(), saved.PushChannel);
        Assert.Equal([RecipientTag.For(AcsUser)], saved.Tags);
    }

    [Fact]
    public async Task Put_ValidFcmV1Body_SavesFcmInstallationUnchangedToken()
    {
        HubAcceptsPut();
        var function = CreateFunction();

        var result = await function.RunAsync(Request("PUT", Body("fcmv1", FcmToken), "application/json; charset=utf-8"), InstallationId);

        Assert.IsType<NoContentResult>(result);
        Assert.Equal(new[] { RecipientTag.For(AcsUser) }, saved!.Tags);
        Assert.Equal(InstallationPlatform.FcmV1, saved.Platform);
        Assert.Equal(FcmToken, saved.PushChannel);
    }

    [Fact]
    public async Task Put_BodyWithTags_Returns400NamingTagsAndNeverCallsHub()
    {
        var function = CreateFunction();
        var body = $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{AcsUser}}","tags":["admins"]}""";

        var result = await function.RunAsync(Request("PUT", body), InstallationId);

        var problem = AssertValidationProblem(result);
        Assert.Equal(["tags"], problem.Errors.Keys);
        hubs.VerifyNoOtherCalls();
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"pushChannel":"00","userId":"8:acs:x"}""".Replace("00", ApnsToken, StringComparison.Ordinal), "platform" },
        { Body(platform: "wns"), "platform" },
        { $$"""{"platform":5,"pushChannel":"{{ApnsToken}}","userId":"{{AcsUser}}"}""", "platform" },
        { $$"""{"platform":"apns","userId":"{{AcsUser}}"}""", "pushChannel" },
        { Body(pushChannel: ""), "pushChannel" },
        { Body(pushChannel: new string('z', 64)), "pushChannel" },
        { Body(pushChannel: "abcd"), "pushChannel" },
        { Body(pushChannel: ApnsToken + "0"), "pushChannel" },
        { Body("fcmv1", "token with spaces"), "pushChannel" },
        { Body("fcmv1", new string('a', 4097)), "pushChannel" },
        { $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}"}""", "userId" },
        { Body(userId: "4:+15551234567"), "userId" },
        { Body(userId: "8:teamsvisitor:abc"), "userId" },
        { Body(userId: "8:acs:"), "userId" },
        { Body(userId: "8:acs:has spaces"), "userId" },
        { Body(userId: "8:acs:" + new string('a', 251)), "userId" },
        { $$"""{"installationId":"other","platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{AcsUser}}"}""", "installationId" },
        { "[]", "body" },
        { "{\"platform\":", "body" },
        { "", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Put_InvalidBody_Returns400NamingTheField(string body, string field)
    {
        var function = CreateFunction();

        var result = await function.RunAsync(Request("PUT", body), InstallationId);

        var problem = AssertValidationProblem(result);
        Assert.Equal([field], problem.Errors.Keys);
        Assert.NotEmpty(problem.Errors[field][0]);
        hubs.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Put_SeveralBadFields_NamesEachOne()
    {
        var function = CreateFunction();

        var result = await function.RunAsync(Request("PUT", """{"platform":"mpns","pushChannel":"","userId":"bob","tags":[]}"""), InstallationId);

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
    public async Task Run_InvalidInstallationId_Returns400NamingInstallationId(string method, string installationId)
    {
        var function = CreateFunction();

        var result = await function.RunAsync(Request(method, Body()), installationId);

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
        var function = CreateFunction();

        var result = await function.RunAsync(Request("PUT", Body(), contentType), InstallationId);

        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, objectResult.StatusCode);
        Assert.IsType<ProblemDetails>(objectResult.Value);
        hubs.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Put_BodyOverLimit_Returns413(bool declareLength)
    {
        var function = CreateFunction();
        var body = $$"""{"platform":"apns","pushChannel":"{{ApnsToken}}","userId":"{{AcsUser}}","padding":"{{new string('x', 17_000)}}"}""";

        var result = await function.RunAsync(Request("PUT", body, declareLength: declareLength), InstallationId);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsType<ObjectResult>(result).StatusCode);
        hubs.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Delete_ValidId_DeletesAtHubAndReturns204()
    {
        hubs.Setup(h => h.DeleteInstallationAsync(InstallationId, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var function = CreateFunction();

        var result = await function.RunAsync(Request("DELETE", contentType: null), InstallationId);

        Assert.IsType<NoContentResult>(result);
        hubs.Verify(h => h.DeleteInstallationAsync(InstallationId, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Run_HubTransientFailure_Returns503WithRetryAfter(string method)
    {
        // Arrange
        var failure = new NotificationHubsException("busy", 429, "tracking-busy", isTransient: true) { RetryAfter = TimeSpan.FromSeconds(7.2) };
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        hubs.Setup(h => h.DeleteInstallationAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        var function = CreateFunction();
        var request = Request(method, Body());

        // Act
        var result = await function.RunAsync(request, InstallationId);

        // Assert
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, objectResult.StatusCode);
        Assert.Equal("8", request.HttpContext.Response.Headers.RetryAfter.ToString());
        var problem = Assert.IsType<ProblemDetails>(objectResult.Value);
        Assert.Equal("tracking-busy", problem.Extensions["trackingId"]);
    }

    [Fact]
    public async Task Put_HubTransientWithoutHint_Returns503WithDefaultRetryAfter()
    {
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("down", 0, null, isTransient: true));
        var function = CreateFunction();
        var request = Request("PUT", Body());

        var result = await function.RunAsync(request, InstallationId);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, Assert.IsType<ObjectResult>(result).StatusCode);
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
        hubs.Setup(h => h.CreateOrUpdateInstallationAsync(It.IsAny<Installation>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotificationHubsException("rejected", hubStatus, "tracking-rejected", isTransient: false));
        var function = CreateFunction();
        var request = Request("PUT", Body());

        // Act
        var result = await function.RunAsync(request, InstallationId);

        // Assert
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status502BadGateway, objectResult.StatusCode);
        Assert.Contains("application/problem+json", objectResult.ContentTypes);
        var problem = Assert.IsType<ProblemDetails>(objectResult.Value);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(hubStatus, problem.Extensions["hubStatus"]);
        Assert.Equal("tracking-rejected", problem.Extensions["trackingId"]);
        Assert.False(request.HttpContext.Response.Headers.ContainsKey("Retry-After"));
    }
}
