using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// Group commit on PostgreSQL: ingests waiting together share one transaction, each caller is answered only once its batch is
/// committed, a batch whose commit fails answers every caller in it with the failure and keeps nothing, a request the server
/// refuses fails alone, and commands of one pass in one batch apply in arrival order.
/// </summary>
public sealed class PostgresGroupCommitTests : IAsyncLifetime
{
    private const int Callers = 20;
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private PostgresDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgresEventStore _store = null!;
    private PostgresGroupCommit<IngestCommand, IngestOutcome> _ingests = null!;
    private readonly List<IDisposable> _disposables = [];

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        _store = new PostgresEventStore(_dataSource);
        await _store.InitializeAsync(CancellationToken.None);
        // A group commit of the test's own, to hold its batches without the store's.
        _ingests = new PostgresGroupCommit<IngestCommand, IngestOutcome>(_dataSource, "test", PostgresIngest.RunAsync);
    }

    public async Task DisposeAsync()
    {
        await _ingests.DisposeAsync();
        await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
        _disposables.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task ConcurrentIngestsShareTransactionsAndEachIsStoredAndDelivered()
    {
        var batches = HoldBatchesUntilEveryCallerIsTaken(_store.Ingests);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(() => _store.IngestAsync(Command(i), CancellationToken.None))));
        _store.Ingests.BeforeBatch = null;
        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 100, 100, []), CancellationToken.None);
        var completed = await Task.WhenAll(claimed.Select(e => _store.CompleteAsync(
            new DeliveryOutcome(e.EventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None)));

        outcomes.Should().OnlyContain(o => o.Created);
        batches.Sum().Should().Be(Callers);
        batches.Should().HaveCountLessThanOrEqualTo(2, "callers queued behind the held batch share the next one");
        claimed.Select(e => e.EventId).Should().BeEquivalentTo(outcomes.Select(o => o.EventId), "every acknowledged event was stored");
        completed.Should().OnlyContain(changed => changed);
        foreach (var outcome in outcomes)
        {
            (await _store.GetAsync(outcome.EventId!, CancellationToken.None))!.Status.Should().Be(DeliveryStatus.Delivered);
        }
    }

    [Fact]
    public async Task ABatchWhoseCommitFailsAnswersEveryCallerInItWithTheFailureAndStoresNone()
    {
        // A deferred constraint trigger: every statement succeeds, the COMMIT itself fails.
        await ExecuteAsync("""
            CREATE FUNCTION wcp_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused (test)'; END $$;
            CREATE CONSTRAINT TRIGGER wcp_test_fail_at_commit AFTER INSERT ON wcp_events DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION wcp_test_fail();
            """);
        var (sizes, release, holding) = await HoldTheLoopAsync(Command(Callers));

        var calls = Enumerable.Range(0, Callers).Select(i => _ingests.RunAsync(Command(i), CancellationToken.None)).ToList();
        release.Set();
        await FluentActions.Awaiting(() => holding).Should().ThrowAsync<PostgresException>();
        var failures = new List<PostgresException>();
        foreach (var call in calls)
        {
            failures.Add((await FluentActions.Awaiting(() => call).Should().ThrowAsync<PostgresException>()).Which);
        }

        _ingests.BeforeBatch = null;
        await ExecuteAsync("DROP TRIGGER wcp_test_fail_at_commit ON wcp_events;");
        var stored = await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None);
        var retried = await _ingests.RunAsync(Command(0), CancellationToken.None);

        sizes.Should().Equal([1, Callers], "the callers shared one batch");
        failures.Should().OnlyContain(e => e.MessageText == "commit refused (test)");
        stored.Should().BeEmpty("a failed commit keeps none of its batch");
        retried.Created.Should().BeTrue("the failed call left no registration behind");
        (await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task ARequestTheServerRefusesFailsAloneAndTheRestOfItsBatchIsStored()
    {
        await _ingests.RunAsync(Command(0), CancellationToken.None);
        var (sizes, release, holding) = await HoldTheLoopAsync(Command(Callers));

        // Caller 1 reuses the stored event's id for another pass: its insert breaks the primary key, rolling its batch back.
        var calls = Enumerable.Range(1, Callers - 1)
            .Select(i => _ingests.RunAsync(i == 1 ? Command(i) with { NewEventId = "evt_00" } : Command(i), CancellationToken.None)).ToList();
        release.Set();
        await holding;
        var broken = await FluentActions.Awaiting(() => calls[0]).Should().ThrowAsync<PostgresException>();
        var others = await Task.WhenAll(calls.Skip(1));
        _ingests.BeforeBatch = null;

        broken.Which.SqlState.Should().Be(PostgresErrorCodes.UniqueViolation);
        sizes.Should().Equal([1, Callers - 1], "the refused request shared its batch with every other caller");
        others.Should().OnlyContain(o => o.Created);
        var stored = await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None);
        stored.Select(e => e.PassId).Should().BeEquivalentTo(Enumerable.Range(0, Callers + 1).Where(i => i != 1).Select(i => $"P{i}"));
        (await _store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 100, 100, []), CancellationToken.None))
            .Should().HaveCount(Callers, "the refused request left no pass head behind");
        (await _ingests.RunAsync(Command(1) with { NewEventId = "evt_01" }, CancellationToken.None)).Created
            .Should().BeTrue("the refused request's registration was undone with it");
    }

    [Fact]
    public async Task CommandsOfOnePassInOneBatchApplyInArrivalOrder()
    {
        var (sizes, release, holding) = await HoldTheLoopAsync(Command(9));
        // One device installs, removes and installs the pass again, and another device installs it, while the loop is held.
        var install = Command(1);
        var steps = new[]
        {
            install,
            install with { NewEventId = "evt_u1", Installed = false },
            install with { NewEventId = "evt_i2" },
            install with { NewEventId = "evt_other", DeviceId = "device-other" },
        }.Select(c => _ingests.RunAsync(c, CancellationToken.None)).ToList();
        release.Set();
        await holding;
        var outcomes = await Task.WhenAll(steps);
        _ingests.BeforeBatch = null;

        sizes.Should().Equal([1, 4], "the four commands of pass P1 shared one batch");
        outcomes.Should().OnlyContain(o => o.Created);
        outcomes.Select(o => (o.ActiveRegistrationCount, o.TotalRegistrationCount)).Should().Equal((1, 1), (0, 1), (1, 2), (2, 3));
        var events = (await _store.ListAsync(new DeliveryQuery("t", null, null, 100), CancellationToken.None)).Where(e => e.PassId == "P1").OrderBy(e => e.Seq).ToList();
        events.Select(e => (e.EventId, e.Seq, e.Installed)).Should().Equal(("evt_01", 1L, true), ("evt_u1", 2L, false), ("evt_i2", 3L, true), ("evt_other", 4L, true));
    }

    [Fact]
    public async Task ACallerThatGivesUpWhileItsRequestWaitsIsAnsweredAtOnceAndItsRequestIsSkipped()
    {
        using var release = new ManualResetEventSlim();
        using var giveUp = new CancellationTokenSource();
        var held = 0;
        _ingests.BeforeBatch = _ =>
        {
            Interlocked.Increment(ref held);
            release.Wait(TimeSpan.FromSeconds(30));
        };

        var holding = _ingests.RunAsync(Command(0), CancellationToken.None);
        SpinWait.SpinUntil(() => Volatile.Read(ref held) == 1, TimeSpan.FromSeconds(30)).Should().BeTrue("the first batch is held");
        var waiting = _ingests.RunAsync(Command(1), giveUp.Token);
        await giveUp.CancelAsync();
        var cancelled = await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        release.Set();
        await holding;
        _ingests.BeforeBatch = null;

        cancelled.Which.CancellationToken.Should().Be(giveUp.Token);
        held.Should().Be(1, "the given-up request never made a batch");
        (await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None)).Select(e => e.PassId).Should().Equal("P0");
    }

    // Runs `first` alone in a batch and holds that batch until `release` is set: requests queued meanwhile make the next batch.
    private async Task<(List<int> Sizes, ManualResetEventSlim Release, Task<IngestOutcome> Holding)> HoldTheLoopAsync(IngestCommand first)
    {
        var release = new ManualResetEventSlim();
        _disposables.Add(release);
        var sizes = new List<int>();
        _ingests.BeforeBatch = size =>
        {
            lock (sizes)
            {
                sizes.Add(size);
            }

            release.Wait(TimeSpan.FromSeconds(30));
        };
        var holding = _ingests.RunAsync(first, CancellationToken.None);
        await Task.Run(() => SpinWait.SpinUntil(() => { lock (sizes) { return sizes.Count == 1; } }, TimeSpan.FromSeconds(30)));
        sizes.Should().Equal([1], "the first batch is held");
        return (sizes, release, holding);
    }

    // Holds each batch until every caller has been taken into a batch or waits in the queue, so the rest make few batches;
    // returns the sizes of the batches run.
    private static List<int> HoldBatchesUntilEveryCallerIsTaken(PostgresGroupCommit<IngestCommand, IngestOutcome> group, int callers = Callers)
    {
        var sizes = new List<int>();
        var taken = 0;
        group.BeforeBatch = size =>
        {
            lock (sizes)
            {
                sizes.Add(size);
            }

            Interlocked.Add(ref taken, size);
            SpinWait.SpinUntil(() => Volatile.Read(ref taken) + group.Waiting >= callers, TimeSpan.FromSeconds(30)).Should().BeTrue("every caller queued");
        };
        return sizes;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static IngestCommand Command(int i) =>
        new($"evt_{i:00}", "t", $"P{i}", "loyalty", Device.Apple, $"device-{i}", true, new Dictionary<string, string>(), null, s_now, s_now);
}
