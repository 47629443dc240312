using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The SQLite writer's group commit: concurrent writes share one transaction and one fsync, each caller is answered only
/// once its batch is durable, and a batch whose commit fails answers every caller in it with the failure and keeps nothing.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime, IDisposable
{
    private const int Callers = 20;
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly TenantsRoot _root = new();
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    [Fact]
    public async Task ConcurrentIngestsAreCommittedInFewerTransactionsThanEventsAndEachIsStoredAndDelivered()
    {
        var commitsBefore = _store.Writer.Commits;
        _store.Writer.BeforeCommit = HoldFirstBatchUntilEveryCallerIsQueued();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(() => IngestAsync(i))));
        var commits = _store.Writer.Commits - commitsBefore;
        _store.Writer.BeforeCommit = null;
        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 100, 100, []), CancellationToken.None);
        var completed = await Task.WhenAll(claimed.Select(e => _store.CompleteAsync(
            new DeliveryOutcome(e.EventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None)));

        outcomes.Should().OnlyContain(o => o.Created);
        commits.Should().BeLessThanOrEqualTo(2, "the first batch held the writer while the other callers queued behind it");
        claimed.Select(e => e.EventId).Should().BeEquivalentTo(outcomes.Select(o => o.EventId), "every acknowledged event was stored");
        completed.Should().OnlyContain(changed => changed);
        foreach (var outcome in outcomes)
        {
            (await _store.GetAsync(outcome.EventId!, CancellationToken.None))!.Status.Should().Be(DeliveryStatus.Delivered);
        }
    }

    [Fact]
    public async Task EachCommitIsMeasuredWithTheWritesItCarried()
    {
        var batches = new ConcurrentQueue<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "WalletCrew.Plugins.Host" && instrument.Name == StoreMetrics.BatchWrites)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, writes, tags, _) =>
        {
            // Other tests' stores commit in this process too: this store's file only.
            foreach (var tag in tags)
            {
                if (tag is { Key: "db.namespace", Value: string database } && database == _root.DatabasePath)
                {
                    batches.Enqueue(writes);
                }
            }
        });
        listener.Start();
        var commitsBefore = _store.Writer.Commits;
        _store.Writer.BeforeCommit = HoldFirstBatchUntilEveryCallerIsQueued();

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(() => IngestAsync(i))));
        _store.Writer.BeforeCommit = null;

        batches.Sum().Should().Be(Callers, "each write counts once, with the transaction that committed it");
        batches.Should().HaveCount((int)(_store.Writer.Commits - commitsBefore), "one measurement per commit");
        batches.Max().Should().BeGreaterThan(1, "the writes queued behind the first batch shared a transaction");
    }

    [Fact]
    public async Task ABatchWhoseCommitFailsAnswersEveryCallerInItWithTheFailureAndStoresNone()
    {
        var hold = HoldFirstBatchUntilEveryCallerIsQueued();
        var batches = new List<int>();
        _store.Writer.BeforeCommit = size =>
        {
            hold(size);
            batches.Add(size);
            throw new IOException("disk I/O error");
        };

        var calls = Enumerable.Range(0, Callers).Select(i => Task.Run(() => IngestAsync(i))).ToList();
        var failures = new List<Exception>();
        foreach (var call in calls)
        {
            failures.Add((await FluentActions.Awaiting(() => call).Should().ThrowAsync<IOException>()).Which);
        }

        _store.Writer.BeforeCommit = null;
        var stored = await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None);
        var retried = await IngestAsync(0);

        batches.Sum().Should().Be(Callers);
        batches.Should().HaveCountLessThanOrEqualTo(2, "the callers shared batches");
        failures.Should().OnlyContain(e => e.Message == "disk I/O error");
        stored.Should().BeEmpty("a failed batch keeps none of its writes");
        retried.Created.Should().BeTrue("the failed call left no registration behind");
        (await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task AWriteThatFailsInsideABatchFailsAloneAndTheRestOfTheBatchIsStored()
    {
        await IngestAsync(0);
        var commitsBefore = _store.Writer.Commits;
        _store.Writer.BeforeCommit = HoldFirstBatchUntilEveryCallerIsQueued(Callers - 1);

        // Caller 1 reuses the stored event's id for another pass: its insert breaks the primary key.
        var calls = Enumerable.Range(1, Callers - 1).Select(i => Task.Run(() => i == 1
            ? _store.IngestAsync(Command(i) with { NewEventId = "evt_00" }, CancellationToken.None)
            : IngestAsync(i))).ToList();
        var broken = await FluentActions.Awaiting(() => calls[0]).Should().ThrowAsync<Microsoft.Data.Sqlite.SqliteException>();
        var others = await Task.WhenAll(calls.Skip(1));
        _store.Writer.BeforeCommit = null;

        broken.Which.SqliteErrorCode.Should().Be(19, "SQLITE_CONSTRAINT");
        _store.Writer.Commits.Should().BeLessThanOrEqualTo(commitsBefore + 2);
        others.Should().OnlyContain(o => o.Created);
        var stored = await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None);
        stored.Select(e => e.PassId).Should().BeEquivalentTo(Enumerable.Range(0, Callers).Where(i => i != 1).Select(i => $"P{i}"));
        (await _store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 100, 100, []), CancellationToken.None))
            .Should().HaveCount(Callers - 1, "the failed write left no pass head behind");
        (await _store.IngestAsync(Command(1) with { NewEventId = "evt_01" }, CancellationToken.None)).Created
            .Should().BeTrue("the failed write's registration was undone with it");
    }

    [Fact]
    public async Task ACallerThatGivesUpWhileItsWriteWaitsIsAnsweredAtOnceAndItsWriteIsSkipped()
    {
        using var release = new ManualResetEventSlim();
        using var giveUp = new CancellationTokenSource();
        var first = true;
        _store.Writer.BeforeCommit = _ =>
        {
            if (first)
            {
                first = false;
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };

        var holding = Task.Run(() => IngestAsync(0));
        SpinWait.SpinUntil(() => !first, TimeSpan.FromSeconds(30)).Should().BeTrue("the first batch is being committed");
        var waiting = _store.IngestAsync(Command(1), giveUp.Token);
        await giveUp.CancelAsync();
        var cancelled = await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        release.Set();
        await holding;
        _store.Writer.BeforeCommit = null;

        cancelled.Which.CancellationToken.Should().Be(giveUp.Token);
        (await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None)).Select(e => e.PassId).Should().Equal("P0");
    }

    // Holds the writer's first batch until every other caller waits in the queue, so the rest make exactly one more batch.
    private Action<int> HoldFirstBatchUntilEveryCallerIsQueued(int callers = Callers)
    {
        var first = true;
        return size =>
        {
            if (first)
            {
                first = false;
                SpinWait.SpinUntil(() => size + _store.Writer.Waiting >= callers, TimeSpan.FromSeconds(30)).Should().BeTrue("every caller queued");
            }
        };
    }

    private Task<IngestOutcome> IngestAsync(int i) => _store.IngestAsync(Command(i), CancellationToken.None);

    private static IngestCommand Command(int i) =>
        new($"evt_{i:00}", "t", $"P{i}", "loyalty", Device.Apple, $"device-{i}", true, new Dictionary<string, string>(), null, s_now, s_now);
}
