using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The store contract on a fresh database of the real PostgreSQL server, plus what several hosts sharing it rely on: claims
/// that pass over each other's locked passes instead of waiting, and a version 1 database upgraded to pass heads on start.
/// </summary>
public sealed class PostgresEventStoreTests : EventStoreContractTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(2);

    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;
    private NpgsqlDataSource? _peerSource;

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_peerSource is not null)
        {
            await _peerSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task HostsCreatingTheSchemaOfAnEmptyDatabaseAtOnceAllStart()
    {
        await using var empty = await PostgresDatabase.CreateAsync();

        var starts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var dataSource = PostgresDataSources.Create(empty.ConnectionString);
            await new PostgresEventStore(dataSource).InitializeAsync(CancellationToken.None);
        }));

        await FluentActions.Awaiting(() => Task.WhenAll(starts)).Should().NotThrowAsync();
    }

    [Fact]
    public async Task AClaimPassesOverThePassesAnotherHostsOpenClaimHoldsInsteadOfWaitingForIt()
    {
        var store = new PostgresEventStore(_dataSource!);
        for (var p = 1; p <= 5; p++)
        {
            await IngestAsync(store, $"P{p}", 1);
        }

        // Host A's claim of two passes, left open: its transaction holds the rows of those passes. With claims taking turns
        // under one lock, host B's claim below would wait for A's commit, which comes only after B's claim returned.
        await using var hostA = await _dataSource!.OpenConnectionAsync();
        await using var open = await hostA.BeginTransactionAsync();
        await using var claimA = new NpgsqlCommand(PostgresSchema.Claim, hostA, open);
        claimA.Add("owner", "host-a").Add("until", StoreRows.ToMs(s_now + s_lease)).Add("now", StoreRows.ToMs(s_now))
            .Add("excluded", Array.Empty<string>()).Add("perTenant", 10L).Add("running", "{}").Add("max", 2L).Add("after", "");
        var heldByA = await StoreRows.ReadAllAsync(claimA, StoreRows.ReadEvent, CancellationToken.None);
        heldByA.Should().HaveCount(2);

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var byB = await store.ClaimAsync(new ClaimRequest("host-b", s_now, s_lease, 10, 10, []), guard.Token);

        byB.Select(e => e.PassId).Should().BeEquivalentTo(
            Enumerable.Range(1, 5).Select(p => $"P{p}").Except(heldByA.Select(e => e.PassId)),
            "B takes every pass A does not hold and passes over the two A holds");

        // A's claim never commits: the passes it held were skipped, not leased, so they are B's to take now.
        await open.RollbackAsync();
        var afterA = await store.ClaimAsync(new ClaimRequest("host-b", s_now, s_lease, 10, 10, []), guard.Token);
        afterA.Select(e => e.EventId).Should().BeEquivalentTo(heldByA.Select(e => e.EventId));
    }

    [Fact]
    public async Task AClaimPassesOverAPassWhoseWriterHoldsItsRowAndTakesItOnceTheWriteCommits()
    {
        var store = new PostgresEventStore(_dataSource!);
        await IngestAsync(store, "P1", 1);
        await IngestAsync(store, "P2", 1);

        // Every write that changes a pending event (here as a completion would) locks its pass's row first.
        await using var writer = await _dataSource!.OpenConnectionAsync();
        await using var open = await writer.BeginTransactionAsync();
        await using (var lockP1 = new NpgsqlCommand("SELECT 1 FROM wcp_passes WHERE pass_id = 'P1' FOR UPDATE", writer, open))
        {
            await lockP1.ExecuteNonQueryAsync();
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (await store.ClaimAsync(new ClaimRequest("host-b", s_now, s_lease, 10, 10, []), guard.Token)).Select(e => e.PassId)
            .Should().Equal("P2");

        await open.CommitAsync();
        (await store.ClaimAsync(new ClaimRequest("host-b", s_now, s_lease, 10, 10, []), guard.Token)).Select(e => e.PassId)
            .Should().Equal("P1");
    }

    // The claim of schema version 5, as the control: it ranked every ready pass of every tenant on each claim.
    private const string RankEveryReadyPass = """
        SELECT tenant_id, pass_id FROM (
            SELECT p.tenant_id, p.pass_id, e.next_attempt_at,
                   ROW_NUMBER() OVER (PARTITION BY p.tenant_id ORDER BY e.next_attempt_at, e.received_at, e.seq) AS rn
            FROM wcp_passes p
            JOIN wcp_events e ON e.tenant_id = p.tenant_id AND e.pass_id = p.pass_id AND e.seq = p.head_seq
            WHERE p.ready_at <= @now AND e.status = 'pending' AND e.next_attempt_at <= @now) ranked
        WHERE rn <= @perTenant ORDER BY rn, next_attempt_at LIMIT @max
        """;

    [Fact]
    public async Task AClaimsWorkFollowsWhatItHandsOutNotHowManyPassesAreReady()
    {
        var store = new PostgresEventStore(_dataSource!);
        await IngestAcrossTenantsAsync(store, 0, 40);
        var few = await MeasureAsync();
        await IngestAcrossTenantsAsync(store, 40, 2_000);
        var many = await MeasureAsync();

        few.Claimed.Should().Be(4);
        many.Claimed.Should().Be(4);
        ((double)many.ClaimRows / few.ClaimRows).Should().BeLessThan(1.5, "a claim of 4 looks at 4 tenants' first heads, however many passes wait");
        ((double)many.ControlRows / few.ControlRows).Should().BeGreaterThan(20, "the control ranks every ready pass, so the test can tell the two apart");

        async Task<(int Claimed, long ClaimRows, long ControlRows)> MeasureAsync()
        {
            await using (var analyze = _dataSource!.CreateCommand("ANALYZE wcp_passes; ANALYZE wcp_events"))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var claim = await ExplainAsync(connection, transaction, PostgresSchema.Claim, c => c.Add("owner", "host").Add("until", StoreRows.ToMs(s_now + s_lease))
                .Add("excluded", Array.Empty<string>()).Add("running", "{}").Add("after", ""));
            var control = await ExplainAsync(connection, transaction, RankEveryReadyPass, _ => { });
            await transaction.RollbackAsync();
            return ((int)claim.Rows, claim.Work, control.Work);
        }
    }

    private static Task<(long Rows, long Work)> ExplainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string statement, Action<NpgsqlCommand> add) =>
        PostgresExplain.RunAsync(connection, transaction, statement, command =>
        {
            command.Add("now", StoreRows.ToMs(s_now)).Add("perTenant", 1L).Add("max", 4L);
            add(command);
        });

    private static async Task IngestAcrossTenantsAsync(IEventStore store, int from, int to)
    {
        for (var p = from; p < to; p += 50)
        {
            await Task.WhenAll(Enumerable.Range(p, Math.Min(50, to - p)).Select(i => store.IngestAsync(new IngestCommand($"evt_{i}", $"t{i % 4}", $"P{i}",
                "loyalty", Device.Apple, "apple", true, new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None)));
        }
    }

    [Fact]
    public async Task ADatabaseWithoutPassHeadsIsUpgradedOnStartAndItsPendingEventsAreClaimedInPassOrder()
    {
        var store = new PostgresEventStore(_dataSource!);
        await IngestAsync(store, "P1", 3);
        await IngestAsync(store, "P2", 1);
        var first = await store.ClaimAsync(new ClaimRequest("old-host", s_now, s_lease, 10, 10, []), CancellationToken.None);
        first.Should().HaveCount(2);
        (await store.CompleteAsync(new DeliveryOutcome(first.Single(e => e.PassId == "P1").EventId, "old-host", DeliveryStatus.Delivered,
            s_now, null, null, true, null), CancellationToken.None)).Should().BeTrue();

        // What version 1 left: no head columns, no index on them, the old due index.
        await using (var downgrade = _dataSource!.CreateCommand("""
            DROP INDEX wcp_passes_tenant_ready; ALTER TABLE wcp_passes DROP COLUMN head_seq; ALTER TABLE wcp_passes DROP COLUMN ready_at;
            CREATE INDEX wcp_events_pending_due ON wcp_events(next_attempt_at) WHERE status = 'pending'; UPDATE wcp_schema_info SET version = 1;
            """))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var upgraded = PostgresDataSources.Create(_database!.ConnectionString);
        var restarted = new PostgresEventStore(upgraded);
        await restarted.InitializeAsync(CancellationToken.None);

        await using (var version = upgraded.CreateCommand("SELECT version FROM wcp_schema_info"))
        {
            (await version.ExecuteScalarAsync()).Should().Be(PostgresSchema.Version);
        }

        var claims = new List<(string PassId, long Seq)>();
        for (var at = s_now; claims.Count < 3 && at < s_now.AddMinutes(30); at = at.AddMinutes(1))
        {
            foreach (var e in await restarted.ClaimAsync(new ClaimRequest("new-host", at, s_lease, 10, 10, []), CancellationToken.None))
            {
                claims.Add((e.PassId, e.Seq));
                (await restarted.CompleteAsync(new DeliveryOutcome(e.EventId, "new-host", DeliveryStatus.Delivered, at, null, null, true, null),
                    CancellationToken.None)).Should().BeTrue();
            }
        }

        claims.Where(c => c.PassId == "P1").Select(c => c.Seq).Should().Equal(2, 3);
        claims.Should().ContainSingle(c => c.PassId == "P2", "P2's head was still leased by the old host and comes back when the lease ends");
    }

    /// <summary>
    /// A prune that chose a delivered event while a replay of it was being committed leaves it pending: the delete waits for
    /// the replay's row lock, and PostgreSQL then re-checks only the outer condition against the replayed row (which alone
    /// let the prune delete an event the operator had been told was pending again, and stranded its pass's head). The
    /// control: the same prune deletes the event when nothing replays it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APruneRacingAReplayLeavesTheReplayedEventPending(bool replayed)
    {
        var store = new PostgresEventStore(_dataSource!);
        await IngestAsync(store, "P1", 1);
        var claimed = (await store.ClaimAsync(new ClaimRequest("host", s_now, s_lease, 10, 10, []), CancellationToken.None)).Single();
        (await store.CompleteAsync(new DeliveryOutcome(claimed.EventId, "host", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None)).Should().BeTrue();

        // The replay, open: it holds the event's row changed to pending until it commits.
        await using var replay = await _dataSource!.OpenConnectionAsync();
        await using var open = await replay.BeginTransactionAsync();
        if (replayed)
        {
            await using var update = new NpgsqlCommand("UPDATE wcp_events SET status = 'pending', completed_at = NULL WHERE event_id = @e", replay, open);
            update.Add("e", claimed.EventId);
            (await update.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var prune = store.PruneAsync(s_now.AddDays(1), 100, CancellationToken.None);
        if (replayed)
        {
            await Task.Delay(500); // the prune chose the event and now waits for its row
            prune.IsCompleted.Should().BeFalse("the prune waits for the replay's row lock");
        }

        await open.CommitAsync();
        var pruned = await prune;

        var stored = await store.GetAsync(claimed.EventId, CancellationToken.None);
        if (replayed)
        {
            pruned.Events.Should().Be(0);
            stored!.Status.Should().Be(DeliveryStatus.Pending);
        }
        else
        {
            pruned.Events.Should().Be(1);
            stored.Should().BeNull();
        }
    }

    private protected override Task<IEventStore> CreatePeerStoreAsync()
    {
        _peerSource = PostgresDataSources.Create(_database!.ConnectionString);
        return Task.FromResult<IEventStore>(new PostgresEventStore(_peerSource));
    }

    private static async Task IngestAsync(IEventStore store, string passId, int events)
    {
        for (var i = 0; i < events; i++)
        {
            var outcome = await store.IngestAsync(new IngestCommand($"evt_{passId}_{i}", "t", passId, "loyalty", Device.Apple, "apple", i % 2 == 0,
                new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None);
            outcome.Created.Should().BeTrue();
        }
    }

    private protected override async Task<IEventStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        return new PostgresEventStore(_dataSource);
    }
}
