using AcsPush.Functions.Idempotency;
using AcsPush.Functions.Tests.NotificationHubs;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace AcsPush.Functions.Tests.Idempotency;

public sealed class TableIdempotencyStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);
    private static readonly string[] Formats = ["apple", "fcmv1"];
    private const string EventId = "5f8e2a47-1111-4a2b-9c3d-000000000001";

    private readonly string _tableName = AzuriteTables.UniqueTableName("idemstore");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly TableServiceClient _service = AzuriteTables.ServiceClient();

    private IOptions<IdempotencyOptions> Settings => Options.Create(new IdempotencyOptions { ConnectionString = AzuriteTables.ConnectionString, TableName = _tableName, LeaseDuration = LeaseDuration });

    private TableIdempotencyStore Store(TableServiceClient? service = null) => new(service ?? _service, Settings, _time, NullLogger<TableIdempotencyStore>.Instance);

    private TableClient Table => _service.GetTableClient(_tableName);

    private static Task<EventClaim> Claim(TableIdempotencyStore store, string eventId = EventId) =>
        store.ClaimAsync(EventKey.For(eventId), eventId, Formats);

    private static Dictionary<string, FormatState> Results(FormatState apple, FormatState fcmv1) => new() { ["apple"] = apple, ["fcmv1"] = fcmv1 };

    private async Task<TableEntity> Row(string eventId = EventId) => (await Table.GetEntityAsync<TableEntity>(EventKey.For(eventId).Hash, TableIdempotencyStore.RowKeyOf(EventKey.For(eventId)))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DeleteTableAsync(_tableName);

    [Fact]
    public async Task ClaimAsync_NewEvent_AcquiresEveryFormatWithOneRecord()
    {
        using var store = Store();

        var claim = await Claim(store);

        Assert.Equal(ClaimStatus.Acquired, claim.Status);
        Assert.Equal(Formats, claim.ToSend);
        Assert.Empty(claim.Done);
        Assert.False(string.IsNullOrEmpty(claim.ETag));
        var row = await Row();
        Assert.Equal(_time.GetUtcNow(), row.GetDateTimeOffset(TableIdempotencyStore.CreatedAtProperty));
        Assert.Equal(_time.GetUtcNow() + LeaseDuration, row.GetDateTimeOffset(TableIdempotencyStore.LeaseUntilProperty));
        Assert.Equal(EventId, row.GetString(TableIdempotencyStore.EventIdProperty));
        Assert.Single(Table.Query<TableEntity>());
    }

    [Fact]
    public async Task ClaimAsync_LeaseActive_HeldElsewhere()
    {
        using var store = Store();
        await Claim(store);
        _time.Advance(LeaseDuration - TimeSpan.FromTicks(1));

        Assert.Equal(ClaimStatus.HeldElsewhere, (await Claim(store)).Status);
    }

    [Fact]
    public async Task ClaimAsync_LeaseExactlyAtExpiry_TakesOver()
    {
        using var store = Store();
        var first = await Claim(store);
        _time.Advance(LeaseDuration);

        var takeover = await Claim(store);

        Assert.Equal(ClaimStatus.Acquired, takeover.Status);
        Assert.NotEqual(first.LeaseId, takeover.LeaseId);
        Assert.Equal(first.CreatedAt, takeover.CreatedAt);
        Assert.Equal(ClaimStatus.HeldElsewhere, (await Claim(store)).Status);
    }

    [Theory]
    [InlineData(FormatState.Sent, FormatState.Sent)]
    [InlineData(FormatState.Sent, FormatState.Rejected)]
    [InlineData(FormatState.Rejected, FormatState.Rejected)]
    public async Task RecordAsync_EveryFormatDone_LaterClaimsAlreadyDoneEvenAfterADay(FormatState apple, FormatState fcmv1)
    {
        using var store = Store();
        await store.RecordAsync(await Claim(store), Results(apple, fcmv1));
        _time.Advance(TimeSpan.FromDays(1));

        var again = await Claim(store);

        Assert.Equal(ClaimStatus.AlreadyDone, again.Status);
        Assert.Equal(Results(apple, fcmv1), again.Done);
    }

    [Fact]
    public async Task RecordAsync_OneFormatPending_NextClaimAcquiresOnlyThatFormatAtOnce()
    {
        using var store = Store();
        await store.RecordAsync(await Claim(store), Results(FormatState.Sent, FormatState.Pending));

        var again = await Claim(store);

        Assert.Equal(ClaimStatus.Acquired, again.Status);
        Assert.Equal(["fcmv1"], again.ToSend);
        Assert.Equal(FormatState.Sent, again.Done["apple"]);
        var row = await Row();
        Assert.Equal("Sent", row.GetString("apple"));
        Assert.Null(row.GetString("fcmv1"));
    }

    [Fact]
    public async Task RecordAsync_NothingDone_ReleasesTheLeaseAtOnce()
    {
        using var store = Store();
        var first = await Claim(store);
        await store.RecordAsync(first, Results(FormatState.Pending, FormatState.Pending));

        var again = await Claim(store);

        Assert.Equal(ClaimStatus.Acquired, again.Status);
        Assert.Equal(Formats, again.ToSend);
        Assert.NotEqual(first.LeaseId, again.LeaseId);
    }

    [Fact]
    public async Task RecordAsync_LeaseTakenOverMeanwhile_MergesWithoutDroppingTheNewHolder()
    {
        var logger = new CapturingLogger<TableIdempotencyStore>();
        using var store = new TableIdempotencyStore(_service, Settings, _time, logger);
        var slow = await Claim(store);
        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        var takeover = await Claim(store);

        await store.RecordAsync(slow, Results(FormatState.Sent, FormatState.Pending));
        Assert.Equal([$"The lease on event record {slow.Key.Hash} expired while sending; merged the outcome into the current record"], logger.Messages);
        Assert.Equal(ClaimStatus.HeldElsewhere, (await Claim(store)).Status);
        await store.RecordAsync(takeover, Results(FormatState.Pending, FormatState.Sent));

        var row = await Row();
        Assert.Equal(("Sent", "Sent"), (row.GetString("apple"), row.GetString("fcmv1")));
        Assert.Equal(ClaimStatus.AlreadyDone, (await Claim(store)).Status);
    }

    [Fact]
    public async Task RecordAsync_RecordDeletedMeanwhile_WritesTheOutcomeAgain()
    {
        using var store = Store();
        var claim = await Claim(store);
        await Table.DeleteEntityAsync(claim.Key.Hash, TableIdempotencyStore.RowKeyOf(claim.Key));

        await store.RecordAsync(claim, Results(FormatState.Sent, FormatState.Sent));

        Assert.Equal(ClaimStatus.AlreadyDone, (await Claim(store)).Status);
    }

    // Real clients on Azurite, except that one call of the table client is intercepted to stage a race.
    private TableServiceClient Intercepting(Action<Mock<TableClient>> setup)
    {
        var table = new Mock<TableClient>(AzuriteTables.ConnectionString, _tableName) { CallBase = true };
        setup(table);
        var service = new Mock<TableServiceClient>(AzuriteTables.ConnectionString) { CallBase = true };
        service.Setup(s => s.GetTableClient(_tableName)).Returns(table.Object);
        return service.Object;
    }

    [Fact]
    public async Task ClaimAsync_RecordDeletedAfterTheConflict_InsertsAgain()
    {
        using (var first = Store())
        {
            await Claim(first);
        }

        var deleted = false;
        using var store = Store(Intercepting(table => table
            .Setup(t => t.GetEntityIfExistsAsync<TableEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(async (string pk, string rk, IEnumerable<string>? _, CancellationToken ct) =>
            {
                if (!deleted)
                {
                    deleted = true;
                    await Table.DeleteEntityAsync(pk, rk, cancellationToken: ct); // a retention sweep between the 409 and the read
                }

                return await Table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
            })));

        var claim = await Claim(store);

        Assert.True(deleted);
        Assert.Equal(ClaimStatus.Acquired, claim.Status);
        Assert.Equal(Formats, claim.ToSend);
    }

    [Fact]
    public async Task RecordAsync_RecordDeletedAndRecreatedByARivalBeforeTheMerge_MergesIntoTheRivalsRecord()
    {
        using var plain = Store();
        var slow = await Claim(plain);
        await Table.DeleteEntityAsync(slow.Key.Hash, TableIdempotencyStore.RowKeyOf(slow.Key)); // swept while sending
        var rivalInserted = false;
        EventClaim? rival = null;
        using var store = Store(Intercepting(table => table
            .Setup(t => t.AddEntityAsync(It.IsAny<TableEntity>(), It.IsAny<CancellationToken>()))
            .Returns(async (TableEntity entity, CancellationToken ct) =>
            {
                if (!rivalInserted)
                {
                    rivalInserted = true;
                    rival = await Claim(plain); // a redelivery claims the event between the merge's read and its insert
                }

                return await Table.AddEntityAsync(entity, ct);
            })));

        await store.RecordAsync(slow, Results(FormatState.Sent, FormatState.Pending));

        Assert.True(rivalInserted);
        Assert.Equal(ClaimStatus.Acquired, rival!.Status);
        var row = await Row();
        Assert.Equal("Sent", row.GetString("apple"));
        Assert.Equal(rival.LeaseId, row.GetString(TableIdempotencyStore.LeaseIdProperty)); // the rival keeps its lease
        Assert.Equal(ClaimStatus.HeldElsewhere, (await Claim(plain)).Status);
    }

    [Fact]
    public async Task RecordAsync_RecordChangesOnEveryAttempt_GivesUpAfterThreeMergesWith412()
    {
        using var plain = Store();
        var claim = await Claim(plain);
        var updates = 0;
        using var store = Store(Intercepting(table => table
            .Setup(t => t.UpdateEntityAsync(It.IsAny<TableEntity>(), It.IsAny<ETag>(), It.IsAny<TableUpdateMode>(), It.IsAny<CancellationToken>()))
            .Callback(() => updates++)
            .ThrowsAsync(new RequestFailedException(412, "changed meanwhile"))));

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => store.RecordAsync(claim, Results(FormatState.Sent, FormatState.Sent)));

        Assert.Equal(412, refused.Status);
        Assert.Equal("The idempotency record kept changing while the outcome was recorded.", refused.Message);
        Assert.Equal(1 + 3, updates); // the conditional write, then three reads each followed by an update
    }

    [Fact]
    public async Task ClaimAsync_RecordVanishesAfterEveryConflict_GivesUpAfterThreeInsertsAsHeldElsewhere()
    {
        var inserts = 0;
        using var store = Store(Intercepting(table => table
            .Setup(t => t.AddEntityAsync(It.IsAny<TableEntity>(), It.IsAny<CancellationToken>()))
            .Callback(() => inserts++)
            .ThrowsAsync(new RequestFailedException(409, "exists"))));

        var claim = await Claim(store);

        Assert.Equal(ClaimStatus.HeldElsewhere, claim.Status); // nothing is sent while the record keeps slipping away
        Assert.Equal(3, inserts);
    }

    [Fact]
    public async Task ClaimAsync_ExpiredRecordWithAFormatMarkedPending_SendsThatFormatAgain()
    {
        using var store = Store();
        var crashed = await Claim(store);
        await store.RecordAsync(crashed, Results(FormatState.Sent, FormatState.Pending));
        var row = await Row();
        row["fcmv1"] = nameof(FormatState.Pending); // as an earlier version, or an operator, may have written it
        row["apple"] = "NotAState";
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var claim = await Claim(store);

        Assert.Equal(ClaimStatus.Acquired, claim.Status);
        Assert.Equal(Formats, claim.ToSend);
        Assert.Empty(claim.Done);
    }

    [Fact]
    public async Task ClaimAsync_AnotherTakeoverBetweenReadAndUpdate_HeldElsewhere()
    {
        using (var crashed = Store())
        {
            await Claim(crashed);
        }

        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        var rival = Store();
        using var store = Store(Intercepting(table => table
            .Setup(t => t.GetEntityIfExistsAsync<TableEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(async (string pk, string rk, IEnumerable<string>? _, CancellationToken ct) =>
            {
                var read = await Table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
                Assert.Equal(ClaimStatus.Acquired, (await Claim(rival)).Status); // the rival takes over after this read
                return read;
            })));

        var claim = await Claim(store);

        Assert.Equal(ClaimStatus.HeldElsewhere, claim.Status);
        rival.Dispose();
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentClaims_ExactlyOneAcquires()
    {
        using var store = Store();
        await Claim(store, "warm-up");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Claim(store)));

        Assert.Single(results, r => r.Status == ClaimStatus.Acquired);
        Assert.All(results.Where(r => r.Status != ClaimStatus.Acquired), r => Assert.Equal(ClaimStatus.HeldElsewhere, r.Status));
    }

    public static TheoryData<string, string> EventIdPreviews => new()
    {
        { new string('a', 256), new string('a', 256) },
        { new string('a', 300), new string('a', 256) },
        // A surrogate pair across the cut is left out whole rather than halved.
        { new string('a', 255) + "\U0001F600" + "b", new string('a', 255) },
        { new string('a', 254) + "\U0001F600" + "b", new string('a', 254) + "\U0001F600" },
    };

    [Theory]
    [MemberData(nameof(EventIdPreviews))]
    public async Task ClaimAsync_LongEventId_StoresAPreviewOfTheFirst256Characters(string eventId, string preview)
    {
        using var store = Store();

        await Claim(store, eventId);

        Assert.Equal(preview, (await Row(eventId)).GetString(TableIdempotencyStore.EventIdProperty));
    }

    [Fact]
    public async Task RecordAsync_ClaimNotAcquired_RefusedWithoutTouchingTheStore()
    {
        using var store = Store();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.RecordAsync(EventClaim.HeldElsewhere(EventKey.For(EventId), EventId), Results(FormatState.Sent, FormatState.Sent)));

        Assert.Equal("claim", ex.ParamName);
        Assert.StartsWith("Only an acquired claim is recorded.", ex.Message, StringComparison.Ordinal);
        Assert.False(await _service.QueryAsync(t => t.Name == _tableName).AnyAsync());
    }

    [Theory]
    [InlineData("a/b#c?d\\e")]
    [InlineData("tab\there\u0001")]
    [InlineData("emoji \U0001F600 and é")]
    [InlineData(null)]
    public async Task ClaimAsync_AnyEventId_KeyedByItsHashAndRoundTrips(string? eventId)
    {
        eventId ??= new string('x', 40_000); // over Table storage's 32K-character property and 1 KiB key limits
        using var store = Store();
        await store.RecordAsync(await Claim(store, eventId), Results(FormatState.Sent, FormatState.Sent));

        Assert.Equal(ClaimStatus.AlreadyDone, (await Claim(store, eventId)).Status);
        Assert.Equal(ClaimStatus.Acquired, (await Claim(store, eventId + "2")).Status);
        var row = await Row(eventId);
        Assert.Matches("^[0-9a-f]{64}$", row.PartitionKey);
        Assert.True(row.GetString(TableIdempotencyStore.EventIdProperty)!.Length <= TableIdempotencyStore.EventIdPreviewLength);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(409)]
    public async Task ClaimAsync_TableCreationRefused_UsesExistingTableAndWarnsOnce(int status)
    {
        await _service.CreateTableAsync(_tableName);
        Mock<TableClient>? refusing = null;
        var service = Intercepting(table =>
        {
            refusing = table;
            table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(status, "refused"));
        });
        var logger = new CapturingLogger<TableIdempotencyStore>();
        using var store = new TableIdempotencyStore(service, Settings, _time, logger);

        Assert.Equal(ClaimStatus.Acquired, (await Claim(store, "event-1")).Status);
        Assert.Equal(ClaimStatus.Acquired, (await Claim(store, "event-2")).Status);

        refusing!.Verify(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(logger.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains(_tableName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClaimAsync_TableCreationFailsOtherwise_Throws()
    {
        using var store = Store(Intercepting(table =>
            table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(500, "boom"))));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Claim(store));

        Assert.Equal(500, error.Status);
    }

    [Fact]
    public void ClientOptions_BoundRetriesAndNetworkTimeout()
    {
        var options = TableIdempotencyStore.ClientOptions();

        Assert.Equal(2, options.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Retry.NetworkTimeout);
        Assert.True(options.Retry.MaxDelay <= TimeSpan.FromSeconds(1));
    }
}
