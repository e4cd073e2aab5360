using System.Net;
using System.Text;
using AcsPush.Functions.NotificationHubs;
using Xunit;
using static AcsPush.Functions.Tests.NotificationHubs.HubClientHost;

namespace AcsPush.Functions.Tests.NotificationHubs;

/// <summary><c>GetInstallationAsync</c> through the app's wiring, against a scripted hub.</summary>
public sealed class GetInstallationTests : IDisposable
{
    private readonly HubClientHost host = new();

    public void Dispose() => host.Dispose();

    private static Action<HttpResponseMessage> Json(string body) =>
        response => response.Content = new StringContent(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task GetInstallationAsync_Existing_ReadsPlatformAndTagsFromSignedGet()
    {
        // Arrange
        host.Hub.Respond(HttpStatusCode.OK, Json("""
            {"installationId":"phone-1","platform":"apns","pushChannel":"ab","tags":["acsuser_1","other"],"lastUpdate":"2026-11-28T12:00:00Z"}
            """));

        // Act
        var installation = await host.Client.GetInstallationAsync("phone-1");

        // Assert
        Assert.NotNull(installation);
        Assert.Equal(("phone-1", "apns"), (installation.InstallationId, installation.Platform));
        Assert.Equal(["acsuser_1", "other"], installation.Tags);
        var request = Assert.Single(host.Hub.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://contoso-ns.servicebus.windows.net/com.contoso.app/installations/phone-1?api-version=2020-06", request.Uri.AbsoluteUri);
        var sas = SasParts.Parse(request.Header("Authorization"));
        Assert.Equal(sas.ExpectedSignature(Key), sas.Signature);
    }

    [Fact]
    public async Task GetInstallationAsync_NotFound_ReturnsNull()
    {
        host.Hub.Respond(HttpStatusCode.NotFound);

        Assert.Null(await host.Client.GetInstallationAsync("absent"));
    }

    [Fact]
    public async Task GetInstallationAsync_NoTags_ReturnsEmptyTags()
    {
        host.Hub.Respond(HttpStatusCode.OK, Json("""{"installationId":"phone-1","platform":"fcmv1"}"""));

        var installation = await host.Client.GetInstallationAsync("phone-1");

        Assert.Empty(installation!.Tags);
        Assert.Equal("fcmv1", installation.Platform);
    }

    [Fact]
    public async Task GetInstallationAsync_BodyNotJson_ThrowsNonTransientNamingTheGet()
    {
        host.Hub.Respond(HttpStatusCode.OK, Json("<html>proxy</html>"));

        var error = await Assert.ThrowsAsync<NotificationHubsException>(() => host.Client.GetInstallationAsync("phone-1"));

        Assert.False(error.IsTransient);
        Assert.Contains("installation GET", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task GetInstallationAsync_HubRefusesApp_ThrowsWithConfigurationHint(HttpStatusCode status)
    {
        host.Hub.Respond(status);

        var error = await Assert.ThrowsAsync<NotificationHubsException>(() => host.Client.GetInstallationAsync("phone-1"));

        Assert.Equal((int)status, error.Status);
        Assert.NotNull(error.ConfigurationHint);
    }
}
