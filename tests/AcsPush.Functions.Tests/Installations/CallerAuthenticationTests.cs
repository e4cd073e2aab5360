using AcsPush.Functions.Installations;
using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Xunit;
using static AcsPush.Functions.Tests.Installations.EntraStandIn;
using static AcsPush.Functions.Tests.Installations.InstallationsHost;
using InstallationsFunction = AcsPush.Functions.Installations.Installations;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// Who gets through to the installations endpoint: tokens signed by test keys that a stand-in Microsoft Entra ID serves
/// on loopback (OpenID Connect metadata and JWKS), checked by the app's real validator, in front of a stand-in hub.
/// A caller that gets through deletes an unknown installation (204); one that does not gets 401 or 403 and the hub sees
/// nothing.
/// </summary>
public sealed class CallerAuthenticationTests : IAsyncLifetime, IDisposable
{
    private const string BackendObjectId = "9a0b7c3e-2f51-4d0b-8f3a-61c7a0d2e4b1";
    private const string BackendClientId = "3c2d1e0f-5a4b-4c3d-9e8f-7a6b5c4d3e2f";
    private const string StrangerObjectId = "11111111-2222-4333-8444-555555555555";

    private EntraStandIn entra = null!;
    private InstallationsHub hub = null!;
    private InstallationsHost host = null!;

    public async Task InitializeAsync()
    {
        entra = await EntraStandIn.StartAsync();
        hub = await InstallationsHub.StartAsync();
        host = Host();
    }

    public async Task DisposeAsync()
    {
        await hub.DisposeAsync();
        await entra.DisposeAsync();
    }

    public void Dispose() => host.Dispose();

    private InstallationsHost Host(bool allowFunctionKey = false, bool configured = true) => new(hub.BaseAddress, configured
        ? new Dictionary<string, string?>
        {
            ["Installations:Authentication:TenantId"] = TenantId,
            ["Installations:Authentication:Instance"] = entra.Instance.AbsoluteUri,
            ["Installations:Authentication:Audiences:0"] = Audience,
            ["Installations:Authentication:AllowedCallers:0"] = BackendObjectId,
            ["Installations:Authentication:AllowedCallers:1"] = BackendClientId,
            ["Installations:Authentication:AllowFunctionKey"] = allowFunctionKey ? "true" : "false",
        }
        : new Dictionary<string, string?> { ["Installations:Authentication:AllowFunctionKey"] = allowFunctionKey ? "true" : "false" });

    private async Task<(int Status, string? Detail, string Challenge)> CallAsync(string? bearer, InstallationsHost? on = null)
    {
        var request = Delete(UserA, bearer);
        var (status, problem) = Read(await (on ?? host).Function<InstallationsFunction>().RunAsync(request, "phone-1"));
        return (status, problem?.Detail, request.HttpContext.Response.Headers.WWWAuthenticate.ToString());
    }

    private void AssertHubUntouched() => Assert.Empty(hub.Calls);

    [Fact]
    public async Task Run_ValidTokenOfAllowedManagedIdentity_IsAdmitted()
    {
        var (status, _, _) = await CallAsync(entra.Token(BackendObjectId));

        Assert.Equal(204, status);
        Assert.Contains(hub.Calls, c => c.Method == "GET");
    }

    [Fact]
    public async Task Run_ValidTokenOfAllowedAppRegistrationByClientId_IsAdmitted()
    {
        var (status, _, _) = await CallAsync(entra.Token(StrangerObjectId, callerAppId: BackendClientId));

        Assert.Equal(204, status);
    }

    [Fact]
    public async Task Run_ValidTokenForPut_RegistersTheDevice()
    {
        var request = Put(Body(UserA), entra.Token(BackendObjectId));

        var (status, _) = Read(await host.Function<InstallationsFunction>().RunAsync(request, "phone-1"));

        Assert.Equal(204, status);
        Assert.NotNull(hub.Stored("phone-1"));
    }

    [Fact]
    public async Task Run_NoToken_Returns401WithBearerChallenge()
    {
        var (status, detail, challenge) = await CallAsync(bearer: null);

        Assert.Equal(401, status);
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_FunctionKeyInsteadOfToken_Returns401()
    {
        var request = Delete(UserA);
        request.Headers["x-functions-key"] = "bW9ja2V5LWZ1bmN0aW9uLWtleQ==";

        var (status, _) = Read(await host.Function<InstallationsFunction>().RunAsync(request, "phone-1"));

        Assert.Equal(401, status);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_WrongAudience_Returns401NamingTheAudience()
    {
        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId, audience: "api://some-other-api"));

        Assert.Equal(401, status);
        Assert.Contains("audience", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_ExpiredToken_Returns401SayingExpired()
    {
        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId, expires: DateTime.UtcNow.AddMinutes(-10)));

        Assert.Equal(401, status);
        Assert.Contains("expired", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_WrongIssuer_Returns401()
    {
        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId, issuer: $"{entra.Instance}{OtherTenantId}/v2.0"));

        Assert.Equal(401, status);
        Assert.Contains("issued by another tenant or authority", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_TokenOfAnotherTenant_Returns401()
    {
        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId, tenantId: OtherTenantId));

        Assert.Equal(401, status);
        Assert.Contains("another tenant", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_TokenSignedWithUnpublishedKey_Returns401()
    {
        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId, key: NewKey()));

        Assert.Equal(401, status);
        Assert.Contains("signature", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_UnsignedToken_Returns401()
    {
        var signed = entra.Token(BackendObjectId).Split('.');
        var unsigned = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + signed[1] + ".";

        var (status, _, _) = await CallAsync(unsigned);

        Assert.Equal(401, status);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_UnknownCaller_Returns403NamingTheCaller()
    {
        var (status, detail, _) = await CallAsync(entra.Token(StrangerObjectId));

        Assert.Equal(403, status);
        Assert.Contains(StrangerObjectId, detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_DelegatedUserTokenFromAllowedApp_Returns403()
    {
        var (status, detail, _) = await CallAsync(entra.Token(StrangerObjectId, callerAppId: BackendClientId, delegatedScope: "Installations.Write"));

        Assert.Equal(403, status);
        Assert.Contains("delegated", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_NotBearerScheme_Returns401()
    {
        var request = Delete(UserA);
        request.Headers.Authorization = "Basic dXNlcjpwYXNz";

        var (status, _) = Read(await host.Function<InstallationsFunction>().RunAsync(request, "phone-1"));

        Assert.Equal(401, status);
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_AfterKeyRollover_TokensWithTheNewKeyAreAdmittedOnceTheKeysAreFetchedAgain()
    {
        Assert.Equal(204, (await CallAsync(entra.Token(BackendObjectId))).Status);
        var readsBefore = entra.MetadataReads;
        entra.RollKeys();

        // The first token with the new key makes the validator fetch the keys again (in the background).
        var first = await CallAsync(entra.Token(BackendObjectId));
        var statuses = new List<int> { first.Status };
        for (var i = 0; i < 100 && statuses[^1] != 204; i++)
        {
            await Task.Delay(20);
            statuses.Add((await CallAsync(entra.Token(BackendObjectId))).Status);
        }

        Assert.Equal(204, statuses[^1]);
        Assert.All(statuses.SkipLast(1), status => Assert.Equal(401, status));
        Assert.True(entra.MetadataReads > readsBefore, "the metadata was read again after the unknown key");
    }

    [Fact]
    public async Task Run_EntraUnreachable_Returns503WithRetryAfter()
    {
        entra.Down = true;
        var request = Delete(UserA, entra.Token(BackendObjectId));

        var (status, _) = Read(await host.Function<InstallationsFunction>().RunAsync(request, "phone-1"));

        Assert.Equal(503, status);
        Assert.Equal("5", request.HttpContext.Response.Headers.RetryAfter.ToString());
        AssertHubUntouched();
    }

    [Fact]
    public async Task Run_NoCallersConfigured_Returns403NamingTheSettings()
    {
        using var closed = Host(configured: false);

        var (status, detail, _) = await CallAsync(entra.Token(BackendObjectId), closed);

        Assert.Equal(403, status);
        Assert.Contains("Installations:Authentication", detail, StringComparison.Ordinal);
        AssertHubUntouched();
    }

    [Fact]
    public async Task FunctionKeyRoute_NotOptedIn_Returns403AndNeverReachesTheHub()
    {
        var (status, problem) = Read(await host.Function<InstallationsByFunctionKey>().RunAsync(Put(Body(UserA)), "phone-1"));

        Assert.Equal(403, status);
        Assert.Equal("FunctionKeyAccessOff", problem!.Extensions["code"]?.ToString());
        AssertHubUntouched();
    }

    [Fact]
    public async Task FunctionKeyRoute_OptedIn_RegistersTheDevice()
    {
        using var keyed = Host(allowFunctionKey: true);

        var (status, _) = Read(await keyed.Function<InstallationsByFunctionKey>().RunAsync(Put(Body(UserA)), "phone-1"));

        Assert.Equal(204, status);
        Assert.NotNull(hub.Stored("phone-1"));
    }

    [Fact]
    public void Services_BothRoutes_ResolveFromTheAppsRegistrations()
    {
        Assert.NotNull(host.Function<InstallationsFunction>());
        Assert.NotNull(host.Function<InstallationsByFunctionKey>());
        Assert.NotNull(host.Services.GetRequiredService<INotificationHubsClient>());
    }
}
