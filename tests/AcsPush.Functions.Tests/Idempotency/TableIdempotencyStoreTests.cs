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

    private readonly string _tableName = AzuriteTables.UniqueTableName("idemstore");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly TableServiceClient _service = AzuriteTables.ServiceClient();

    private TableIdempotencyStore Store() => new(
        _service,
        Options.Create(new IdempotencyOptions { ConnectionString = AzuriteTables.ConnectionString, TableName = _tableName, LeaseDuration = LeaseDuration }),
        _time,
        NullLogger<TableIdempotencyStore>.Instance);

    private static IdempotencyKey Key(string eventId = "5f8e2a47-1111-4a2b-9c3d-000000000001", string format = "apple") =>
        new(eventId, "acsuser_" + new string('a', 64), format);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DeleteTableAsync(_tableName);

    [Fact]
    public async Task TryAcquireAsync_NewKey_AcquiresAndCreatesTable()
    {
        using var store = Store();

        var result = await store.TryAcquireAsync(Key());

        Assert.Equal(LeaseStatus.Acquired, result.Status);
        Assert.NotNull(result.Lease);
        Assert.Equal(_time.GetUtcNow() + LeaseDuration, result.Lease!.Until);
        Assert.False(string.IsNullOrEmpty(result.Lease.ETag));
    }

    // Real clients on Azurite, except that creating the table is refused as it is where the role is scoped to the table.
    private (Mock<TableClient> Table, TableServiceClient Service) RefusingCreation(int status)
    {
        var table = new Mock<TableClient>(AzuriteTables.ConnectionString, _tableName) { CallBase = true };
        table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(status, "refused"));
        var service = new Mock<TableServiceClient>(AzuriteTables.ConnectionString) { CallBase = true };
        service.Setup(s => s.GetTableClient(_tableName)).Returns(table.Object);
        return (table, service.Object);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(409)]
    public async Task TryAcquireAsync_TableCreationRefused_UsesExistingTableAndWarnsOnce(int status)
    {
        await _service.CreateTableAsync(_tableName);
        var (table, service) = RefusingCreation(status);
        var logger = new CapturingLogger<TableIdempotencyStore>();
        using var store = new TableIdempotencyStore(service, Options.Create(new IdempotencyOptions { ConnectionString = AzuriteTables.ConnectionString, TableName = _tableName, LeaseDuration = LeaseDuration }), _time, logger);

        var first = await store.TryAcquireAsync(Key("event-1"));
        var second = await store.TryAcquireAsync(Key("event-2"));

        Assert.Equal(LeaseStatus.Acquired, first.Status);
        Assert.Equal(LeaseStatus.Acquired, second.Status);
        var (partitionKey, rowKey) = TableIdempotencyStore.ToEntityKeys(Key("event-2"));
        Assert.True((await _service.GetTableClient(_tableName).GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey)).HasValue);
        table.Verify(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(logger.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains(_tableName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TryAcquireAsync_TableCreationFailsOtherwise_Throws()
    {
        var (_, service) = RefusingCreation(500);
        using var store = new TableIdempotencyStore(service, Options.Create(new IdempotencyOptions { ConnectionString = AzuriteTables.ConnectionString, TableName = _tableName, LeaseDuration = LeaseDuration }), _time, NullLogger<TableIdempotencyStore>.Instance);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => store.TryAcquireAsync(Key()));

        Assert.Equal(500, error.Status);
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseActive_HeldElsewhere()
    {
        using var store = Store();
        await store.TryAcquireAsync(Key());
        _time.Advance(LeaseDuration - TimeSpan.FromSeconds(1));

        var second = await store.TryAcquireAsync(Key());

        Assert.Equal(LeaseStatus.HeldElsewhere, second.Status);
        Assert.Null(second.Lease);
    }

    [Theory]
    [InlineData(CompletionState.Sent)]
    [InlineData(CompletionState.Rejected)]
    public async Task TryAcquireAsync_AfterComplete_AlreadyCompletedEvenAfterLeaseTime(CompletionState state)
    {
        using var store = Store();
        var first = await store.TryAcquireAsync(Key());
        await store.CompleteAsync(first.Lease!, state);
        _time.Advance(TimeSpan.FromDays(1));

        var again = await store.TryAcquireAsync(Key());

        Assert.Equal(LeaseStatus.AlreadyCompleted, again.Status);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterRelease_AcquiresAgain()
    {
        using var store = Store();
        var first = await store.TryAcquireAsync(Key());
        await store.ReleaseAsync(first.Lease!);

        var again = await store.TryAcquireAsync(Key());

        Assert.Equal(LeaseStatus.Acquired, again.Status);
        Assert.NotEqual(first.Lease!.LeaseId, again.Lease!.LeaseId);
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseExpired_TakesOverOnce()
    {
        using var store = Store();
        var crashed = await store.TryAcquireAsync(Key());
        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));

        var takeover = await store.TryAcquireAsync(Key());
        var third = await store.TryAcquireAsync(Key());

        Assert.Equal(LeaseStatus.Acquired, takeover.Status);
        Assert.NotEqual(crashed.Lease!.ETag, takeover.Lease!.ETag);
        Assert.Equal(LeaseStatus.HeldElsewhere, third.Status);
    }

    [Fact]
    public async Task ReleaseAsync_LeaseTakenOver_DoesNotReleaseNewHolder()
    {
        using var store = Store();
        var stale = await store.TryAcquireAsync(Key());
        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await store.TryAcquireAsync(Key());

        await store.ReleaseAsync(stale.Lease!);

        Assert.Equal(LeaseStatus.HeldElsewhere, (await store.TryAcquireAsync(Key())).Status);
    }

    [Fact]
    public async Task CompleteAsync_LeaseTakenOver_StillRecordsCompletion()
    {
        using var store = Store();
        var slow = await store.TryAcquireAsync(Key());
        _time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await store.TryAcquireAsync(Key());

        await store.CompleteAsync(slow.Lease!, CompletionState.Sent);

        Assert.Equal(LeaseStatus.AlreadyCompleted, (await store.TryAcquireAsync(Key())).Status);
    }

    [Fact]
    public async Task TryAcquireAsync_SameEventOtherFormat_Independent()
    {
        using var store = Store();
        var apple = await store.TryAcquireAsync(Key(format: "apple"));
        await store.CompleteAsync(apple.Lease!, CompletionState.Sent);

        var fcm = await store.TryAcquireAsync(Key(format: "fcmv1"));

        Assert.Equal(LeaseStatus.Acquired, fcm.Status);
    }

    [Fact]
    public async Task TryAcquireAsync_ConcurrentClaims_ExactlyOneAcquires()
    {
        using var store = Store();
        await store.TryAcquireAsync(Key("warm-up"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryAcquireAsync(Key())));

        Assert.Single(results, r => r.Status == LeaseStatus.Acquired);
        Assert.All(results.Where(r => r.Status != LeaseStatus.Acquired), r => Assert.Equal(LeaseStatus.HeldElsewhere, r.Status));
    }

    [Theory]
    [InlineData("5f8e2a47-1111-4a2b-9c3d-000000000001", "5f8e2a47-1111-4a2b-9c3d-000000000001")]
    [InlineData("with/slash", null)]
    [InlineData("hash#and?query", null)]
    [InlineData("tab\there", null)]
    public void ToEntityKeys_EventId_UsesSafeIdOrHash(string eventId, string? expectedPartition)
    {
        var (partitionKey, rowKey) = TableIdempotencyStore.ToEntityKeys(new IdempotencyKey(eventId, "acsuser_abc", "fcmv1"));

        if (expectedPartition is null)
        {
            Assert.StartsWith("sha256-", partitionKey, StringComparison.Ordinal);
            Assert.Equal(71, partitionKey.Length);
        }
        else
        {
            Assert.Equal(expectedPartition, partitionKey);
        }

        Assert.Equal("fcmv1-acsuser_abc", rowKey);
    }

    [Fact]
    public async Task TryAcquireAsync_UnsafeEventId_RoundTrips()
    {
        using var store = Store();
        var first = await store.TryAcquireAsync(Key("a/b#c?d"));
        await store.CompleteAsync(first.Lease!, CompletionState.Sent);

        Assert.Equal(LeaseStatus.AlreadyCompleted, (await store.TryAcquireAsync(Key("a/b#c?d"))).Status);
        Assert.Equal(LeaseStatus.Acquired, (await store.TryAcquireAsync(Key("a/b#c?e"))).Status);
    }
}
