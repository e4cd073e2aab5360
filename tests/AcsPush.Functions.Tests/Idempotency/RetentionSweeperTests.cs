using AcsPush.Functions.Idempotency;
using AcsPush.Functions.Telemetry;
using AcsPush.Functions.Tests.Telemetry;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AcsPush.Functions.Tests.Idempotency;

/// <summary>
/// The retention sweep against Azurite: records written by the real store on an injected clock, swept by a sweeper
/// whose clock is moved past the window (3 days by default).
/// </summary>
public sealed class RetentionSweeperTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Formats = ["apple", "fcmv1"];
    private static readonly TimeSpan Window = new IdempotencyOptions().RetentionWindow;

    private readonly string _tableName = AzuriteTables.UniqueTableName("retention");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TableServiceClient _service = AzuriteTables.ServiceClient();
    private readonly TestMetrics _metrics = new();

    private IOptions<IdempotencyOptions> Settings(TimeSpan? budget = null) => Options.Create(new IdempotencyOptions
    {
        ConnectionString = AzuriteTables.ConnectionString,
        TableName = _tableName,
        RetentionBudget = budget ?? TimeSpan.FromMinutes(2),
    });

    private TableIdempotencyStore Store() => new(_service, Settings(), _time, NullLogger<TableIdempotencyStore>.Instance);

    private RetentionSweeper Sweeper(TimeProvider? clock = null, TimeSpan? budget = null) =>
        new(_service, Settings(budget), clock ?? _time, _metrics.Metrics, NullLogger<RetentionSweeper>.Instance);

    private TableClient Table => _service.GetTableClient(_tableName);

    private List<string> Keys() => [.. Table.Query<TableEntity>(select: ["PartitionKey"]).Select(e => e.PartitionKey)];

    /// <summary>Claims <paramref name="eventId"/> and records its pushes (both sent unless said otherwise).</summary>
    private static async Task<EventClaim> DeliveredAsync(TableIdempotencyStore store, string eventId, FormatState fcmv1 = FormatState.Sent)
    {
        var claim = await store.ClaimAsync(EventKey.For(eventId), eventId, Formats);
        await store.RecordAsync(claim, new Dictionary<string, FormatState> { ["apple"] = FormatState.Sent, ["fcmv1"] = fcmv1 });
        return claim;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DeleteTableAsync(_tableName);

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task SweepAsync_RecordsOlderThanWindow_DeletesThemAndKeepsYoungerOnes()
    {
        using var store = Store();
        using var deleted = _metrics.Collect<long>(PushMetrics.RetentionDeleted);
        await DeliveredAsync(store, "old");
        _time.Advance(TimeSpan.FromDays(2));
        await DeliveredAsync(store, "young");
        _time.Advance(Window - TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));

        var result = await Sweeper().SweepAsync();

        Assert.Equal(1, result.Deleted);
        Assert.True(result.Complete);
        Assert.Equal([EventKey.For("young").Hash], Keys());
        Assert.Equal(1, deleted.LastMeasurement?.Value);
    }

    [Fact]
    public async Task SweepAsync_RecordExactlyWindowOld_Kept()
    {
        using var store = Store();
        await DeliveredAsync(store, "edge");
        _time.Advance(Window);

        var result = await Sweeper().SweepAsync();

        Assert.Equal(0, result.Deleted);
        Assert.Single(Keys());
    }

    [Fact]
    public async Task SweepAsync_ExpiredRecordWhoseLeaseIsHeld_KeptUntilTheLeaseEnds()
    {
        using var store = Store();
        await DeliveredAsync(store, "late", fcmv1: FormatState.Pending);
        _time.Advance(Window + TimeSpan.FromMinutes(1));
        var redelivery = await store.ClaimAsync(EventKey.For("late"), "late", Formats); // takes the lease, keeps CreatedAt
        Assert.Equal(ClaimStatus.Acquired, redelivery.Status);

        var whileHeld = await Sweeper().SweepAsync();
        _time.Advance(new IdempotencyOptions().LeaseDuration);
        var afterwards = await Sweeper().SweepAsync();

        Assert.Equal((0, 1), (whileHeld.Deleted, whileHeld.Leased));
        Assert.Equal(1, afterwards.Deleted);
        Assert.Empty(Keys());
    }

    [Fact]
    public async Task DeleteAsync_RecordChangedAfterTheQueryReadIt_KeepsIt()
    {
        using var store = Store();
        await DeliveredAsync(store, "busy", fcmv1: FormatState.Pending);
        _time.Advance(Window + TimeSpan.FromMinutes(1));
        var read = Table.Query<TableEntity>(RetentionSweeper.ExpiredFilter(_time.GetUtcNow() - Window)).Single();
        await store.ClaimAsync(EventKey.For("busy"), "busy", Formats); // a redelivery claims it between the read and the delete

        var outcome = await RetentionSweeper.DeleteAsync(Table, read, CancellationToken.None);

        Assert.Equal(SweepOutcome.Changed, outcome);
        Assert.Single(Keys());
    }

    [Fact]
    public async Task DeleteAsync_RecordAlreadyDeleted_AlreadyGone()
    {
        using var store = Store();
        await DeliveredAsync(store, "twice");
        var read = Table.Query<TableEntity>().Single();
        await Table.DeleteEntityAsync(read.PartitionKey, read.RowKey);

        Assert.Equal(SweepOutcome.AlreadyGone, await RetentionSweeper.DeleteAsync(Table, read, CancellationToken.None));
    }

    [Fact]
    public async Task SweepAsync_TwoSweepsAtOnce_DeleteEachRecordOnce()
    {
        using var store = Store();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => DeliveredAsync(store, $"event-{i}")));
        _time.Advance(Window + TimeSpan.FromHours(1));

        var results = await Task.WhenAll(Sweeper().SweepAsync(), Sweeper().SweepAsync());

        Assert.Equal(40, results.Sum(r => r.Deleted));
        Assert.Equal(40, results.Max(r => r.Deleted + r.AlreadyGone));
        Assert.Empty(Keys());
    }

    [Fact]
    public async Task SweepAsync_BudgetSpent_StopsAndLaterRunsFinish()
    {
        using var store = Store();
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => DeliveredAsync(store, $"event-{i}")));
        // Every look at the clock costs a second: a 10-second budget allows about ten deletions a run.
        var clock = new SteppingClock(_time.GetUtcNow() + Window + TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        var budget = TimeSpan.FromSeconds(10);

        var first = await Sweeper(clock, budget).SweepAsync();
        var runs = new List<SweepResult> { first };
        while (!runs[^1].Complete && runs.Count < 20)
        {
            clock.Restart();
            runs.Add(await Sweeper(clock, budget).SweepAsync());
        }

        Assert.False(first.Complete);
        Assert.InRange(first.Deleted, 1, 12);
        Assert.True(runs[^1].Complete);
        Assert.Equal(30, runs.Sum(r => r.Deleted));
        Assert.Empty(Keys());
    }

    [Fact]
    public async Task ClaimAsync_RedeliveryWithinEventGridsHorizonAfterASweep_StillADuplicate()
    {
        using var store = Store();
        await DeliveredAsync(store, "retried");
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(30));

        await Sweeper().SweepAsync();
        var redelivery = await store.ClaimAsync(EventKey.For("retried"), "retried", Formats);

        Assert.Equal(ClaimStatus.AlreadyDone, redelivery.Status);
    }

    [Fact]
    public async Task ClaimAsync_RedeliveryAfterExpiry_IsSentAgain()
    {
        using var store = Store();
        await DeliveredAsync(store, "replayed");
        _time.Advance(Window + TimeSpan.FromMinutes(1));

        await Sweeper().SweepAsync();
        var replay = await store.ClaimAsync(EventKey.For("replayed"), "replayed", Formats);

        Assert.Equal(ClaimStatus.Acquired, replay.Status);
        Assert.Equal(Formats, replay.ToSend);
    }

    [Fact]
    public async Task SweepAsync_RecordsOfTheOldOnePerPushLayout_DeletedByLastWrite()
    {
        await Table.CreateIfNotExistsAsync();
        // The layout of the first release: partition key the event id, row key the format and the recipient tag.
        await Table.AddEntityAsync(new TableEntity("legacy-event", "apple-acsuser_0f") { ["State"] = "Sent" });
        await Table.AddEntityAsync(new TableEntity("legacy-event", "fcmv1-acsuser_0f") { ["State"] = "Sent" });
        var now = DateTimeOffset.UtcNow;

        var soon = await Sweeper(new FakeTimeProvider(now + TimeSpan.FromHours(1))).SweepAsync();
        var later = await Sweeper(new FakeTimeProvider(now + Window + TimeSpan.FromHours(1))).SweepAsync();

        Assert.Equal(0, soon.Deleted);
        Assert.Equal(2, later.Deleted);
        Assert.Empty(Keys());
    }

    [Fact]
    public async Task SweepAsync_NoTableYet_NothingToDo()
    {
        var result = await Sweeper().SweepAsync();

        Assert.Equal((0, true), (result.Deleted, result.Complete));
    }

    /// <summary>A clock whose timestamp moves <paramref name="step"/> each time it is read; wall time stays put.</summary>
    private sealed class SteppingClock(DateTimeOffset now, TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override DateTimeOffset GetUtcNow() => now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public void Restart() => Interlocked.Exchange(ref _ticks, 0);
    }
}

public sealed class ExpireIdempotencyRecordsTests
{
    [Fact]
    public void RunAsync_Trigger_ReadsTheScheduleFromTheAppSettingTheStackSets()
    {
        var parameter = typeof(ExpireIdempotencyRecords).GetMethod(nameof(ExpireIdempotencyRecords.RunAsync))!.GetParameters()[0];
        var trigger = (Microsoft.Azure.Functions.Worker.TimerTriggerAttribute)Attribute.GetCustomAttribute(parameter, typeof(Microsoft.Azure.Functions.Worker.TimerTriggerAttribute))!;

        // App setting Idempotency__RetentionSchedule (infra/components/functionHosting.ts) is configuration key Idempotency:RetentionSchedule.
        Assert.Equal($"%{IdempotencyOptions.SectionName}:{nameof(IdempotencyOptions.RetentionSchedule)}%", trigger.Schedule);
        Assert.False(trigger.RunOnStartup);
    }
}
