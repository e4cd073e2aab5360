using AcsPush.Functions.Installations;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.Idempotency;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static AcsPush.Functions.Tests.Installations.InstallationsHost;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>
/// Who may change an installation, through the real endpoint, client and ownership records: a stand-in hub on
/// loopback that keeps installations, and the records in Azurite.
/// </summary>
public sealed class InstallationOwnershipTests : IAsyncLifetime, IDisposable
{
    private const string Phone = "phone-1";

    private InstallationsHub hub = null!;
    private InstallationsHost host = null!;

    public async Task InitializeAsync()
    {
        hub = await InstallationsHub.StartAsync();
        host = new InstallationsHost(hub.BaseAddress);
    }

    public async Task DisposeAsync() => await hub.DisposeAsync();

    public void Dispose() => host.Dispose();

    private InstallationEndpoint Endpoint => host.Services.GetRequiredService<InstallationEndpoint>();

    private async Task<(int Status, string? Code)> PutAsync(string userId, string pushChannel = TokenA)
    {
        var (status, problem) = Read(await Endpoint.HandleAsync(Put(Body(userId, pushChannel)), Phone));
        return (status, problem?.Extensions.TryGetValue("code", out var code) == true ? code?.ToString() : null);
    }

    private async Task<(int Status, string? Code)> DeleteAsync(string? userId)
    {
        var (status, problem) = Read(await Endpoint.HandleAsync(Delete(userId), Phone));
        return (status, problem?.Extensions.TryGetValue("code", out var code) == true ? code?.ToString() : null);
    }

    private TableEntity? OwnerRecord()
    {
        var found = AzuriteTables.ServiceClient().GetTableClient(host.OwnersTable).GetEntityIfExists<TableEntity>(Phone, "owner");
        return found.HasValue ? found.Value : null;
    }

    [Fact]
    public async Task Put_NewInstallation_StoresItTaggedForTheUserAndRecordsTheOwner()
    {
        var result = await PutAsync(UserA);

        Assert.Equal((204, null), result);
        Assert.Equal(RecipientTag.For(UserA), hub.Stored(Phone)!.Value.Tags);
        Assert.Equal(RecipientTag.For(UserA), OwnerRecord()!.GetString("OwnerTag"));
        Assert.Null(OwnerRecord()!.GetDateTimeOffset("LeaseUntil"));
    }

    [Fact]
    public async Task Put_SameUserAgain_ReplacesThePushChannel()
    {
        await PutAsync(UserA);

        var result = await PutAsync(UserA, TokenB);

        Assert.Equal((204, null), result);
        Assert.Equal(TokenB, hub.Stored(Phone)!.Value.PushChannel);
    }

    [Fact]
    public async Task Put_InstallationOfAnotherUser_Returns409AndLeavesTheHubUntouched()
    {
        await PutAsync(UserA);
        var writesBefore = hub.Calls.Count(c => c.Method == "PUT");

        var result = await PutAsync(UserB, TokenB);

        Assert.Equal((409, "OwnedByAnotherUser"), result);
        Assert.Equal(writesBefore, hub.Calls.Count(c => c.Method == "PUT"));
        Assert.Equal((RecipientTag.For(UserA), TokenA), hub.Stored(Phone)!.Value);
    }

    [Fact]
    public async Task Delete_NamingAnotherUser_Returns409AndKeepsTheDevice()
    {
        await PutAsync(UserA);

        var result = await DeleteAsync(UserB);

        Assert.Equal((409, "OwnedByAnotherUser"), result);
        Assert.NotNull(hub.Stored(Phone));
        Assert.DoesNotContain(hub.Calls, c => c.Method == "DELETE");
    }

    [Fact]
    public async Task Delete_NamingTheOwner_RemovesDeviceAndRecord()
    {
        await PutAsync(UserA);

        var result = await DeleteAsync(UserA);

        Assert.Equal((204, null), result);
        Assert.Null(hub.Stored(Phone));
        Assert.Null(OwnerRecord());
    }

    [Fact]
    public async Task MoveToAnotherUser_DeleteForOldUserThenPutForNew_Succeeds()
    {
        await PutAsync(UserA);

        var deleted = await DeleteAsync(UserA);
        var moved = await PutAsync(UserB, TokenB);

        Assert.Equal([(204, (string?)null), (204, null)], new[] { deleted, moved });
        Assert.Equal((RecipientTag.For(UserB), TokenB), hub.Stored(Phone)!.Value);
        Assert.Equal(RecipientTag.For(UserB), OwnerRecord()!.GetString("OwnerTag"));
    }

    [Fact]
    public async Task Delete_UnknownInstallation_Returns204WithoutDeletingAtTheHub()
    {
        var result = await DeleteAsync(UserA);

        Assert.Equal((204, null), result);
        Assert.DoesNotContain(hub.Calls, c => c.Method == "DELETE");
        Assert.Null(OwnerRecord());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("4:+15551234567")]
    public async Task Delete_WithoutAValidUserId_Returns400NamingUserId(string? userId)
    {
        await PutAsync(UserA);

        var (status, problem) = Read(await Endpoint.HandleAsync(Delete(userId), Phone));

        Assert.Equal(400, status);
        Assert.Equal(["userId"], Assert.IsType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(problem).Errors.Keys);
        Assert.NotNull(hub.Stored(Phone));
    }

    [Fact]
    public async Task Put_InstallationRegisteredBeforeOwnershipWasRecorded_BelongsToTheUserItsTagNames()
    {
        hub.Seed(Phone, "apns", TokenA, RecipientTag.For(UserA));

        var other = await PutAsync(UserB, TokenB);
        var owner = await PutAsync(UserA, TokenB);

        Assert.Equal((409, "OwnedByAnotherUser"), other);
        Assert.Equal((204, null), owner);
        Assert.Equal(RecipientTag.For(UserA), OwnerRecord()!.GetString("OwnerTag"));
    }

    [Fact]
    public async Task Delete_InstallationRegisteredBeforeOwnershipWasRecorded_RemovesItOnlyForTheTaggedUser()
    {
        hub.Seed(Phone, "apns", TokenA, RecipientTag.For(UserA));

        var other = await DeleteAsync(UserB);
        var owner = await DeleteAsync(UserA);

        Assert.Equal((409, "OwnedByAnotherUser"), other);
        Assert.Equal((204, null), owner);
        Assert.Null(hub.Stored(Phone));
        Assert.Null(OwnerRecord());
    }

    [Fact]
    public async Task Put_TwoUsersAtOnce_ExactlyOneWinsAndTheHubHoldsTheWinner()
    {
        // The hub is slow, so both requests are in flight together.
        hub.PutDelay = TimeSpan.FromMilliseconds(300);

        var results = await Task.WhenAll(PutAsync(UserA, TokenA), PutAsync(UserB, TokenB));

        Assert.Single(results, r => r.Status == 204);
        Assert.Single(results, r => r.Status != 204 && r.Code is "OwnedByAnotherUser" or "ChangeInProgress");
        var winner = results[0].Status == 204 ? (UserA, TokenA) : (UserB, TokenB);
        Assert.Equal((RecipientTag.For(winner.Item1), winner.Item2), hub.Stored(Phone)!.Value);
        Assert.Single(hub.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task Put_WhileTheOwnersChangeIsInFlight_Returns503ChangeInProgressWithRetryAfter()
    {
        await PutAsync(UserA);
        hub.PutDelay = TimeSpan.FromMilliseconds(400);
        var first = PutAsync(UserA, TokenB);
        await WaitUntilAsync(() => hub.Calls.Count(c => c.Method == "PUT") == 2);

        var request = Put(Body(UserA, TokenA));
        var (status, problem) = Read(await Endpoint.HandleAsync(request, Phone));

        Assert.Equal(503, status);
        Assert.Equal("ChangeInProgress", problem!.Extensions["code"]?.ToString());
        Assert.True(int.Parse(request.HttpContext.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal((204, null), await first);
    }

    [Fact]
    public async Task Put_LeaseDuringTheHubWrite_OutlastsTheHubCallsTimeBudget()
    {
        // A write can land at the hub at most TimeBudget (5 s here) after it started; the lease must still hold by then.
        DateTimeOffset? leaseUntil = null;
        var startedAt = DateTimeOffset.UtcNow;
        hub.OnPutStarted = _ =>
        {
            leaseUntil = OwnerRecord()!.GetDateTimeOffset("LeaseUntil");
            startedAt = DateTimeOffset.UtcNow;
            return Task.CompletedTask;
        };

        await PutAsync(UserA);

        Assert.NotNull(leaseUntil);
        Assert.True(leaseUntil >= startedAt + TimeSpan.FromSeconds(5), $"lease until {leaseUntil:O}, hub write started {startedAt:O}");
    }

    [Fact]
    public async Task Put_HubFails_ReleasesTheLeaseSoARetrySucceedsAtOnce()
    {
        hub.FailNextPutWith = 500;

        var failed = await PutAsync(UserA);
        var retried = await PutAsync(UserA);

        Assert.Equal(503, failed.Status);
        Assert.Equal((204, null), retried);
        Assert.Null(OwnerRecord()!.GetDateTimeOffset("LeaseUntil"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "condition not reached within 2 s");
    }
}
