using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The SQLite claim reads pass heads (<c>passes.head_seq</c>, <c>passes.ready_at</c>) instead of ranking every pending
/// event, and a file written before the heads existed is upgraded on start.
/// </summary>
public sealed class SqlitePassHeadTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly TenantsRoot _root = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    /// <summary>What an earlier claim did: rank every ready pass's head in one statement (the control).</summary>
    private const string RankEveryReadyPass = """
        SELECT event_id FROM (
            SELECT e.event_id, e.tenant_id, e.next_attempt_at,
                   ROW_NUMBER() OVER (PARTITION BY e.tenant_id ORDER BY e.next_attempt_at, e.received_at, e.seq) AS rn
            FROM passes p
            CROSS JOIN events e ON e.tenant_id = p.tenant_id AND e.pass_id = p.pass_id AND e.seq = p.head_seq
            WHERE p.ready_at <= $now AND e.status = 'pending')
        WHERE rn <= 4 ORDER BY rn, next_attempt_at LIMIT 4;
        """;

    [Fact]
    public async Task AClaimsWorkFollowsWhatItHandsOutNotHowManyPassesAreReady()
    {
        // SQLite's progress handler counts the virtual machine's instructions: a measure of work that no load can skew.
        var few = await MeasureClaimAsync(readyPasses: 40);
        var many = await MeasureClaimAsync(readyPasses: 2_000);

        few.Claimed.Should().Be(4);
        many.Claimed.Should().Be(4);
        ((double)many.ClaimSteps / few.ClaimSteps).Should().BeLessThan(1.5, "a claim of 4 looks at 4 tenants' first heads, however many passes wait");
        ((double)many.ControlSteps / few.ControlSteps).Should().BeGreaterThan(20, "the control ranks every ready pass, so the test can tell the two apart");
    }

    private async Task<(int Claimed, long ClaimSteps, long ControlSteps)> MeasureClaimAsync(int readyPasses)
    {
        using var root = new TenantsRoot();
        await using (var store = new SqliteEventStore(new SqliteStoreOptions(root.DatabasePath, "OFF")))
        {
            await store.InitializeAsync(CancellationToken.None);
            await Task.WhenAll(Enumerable.Range(0, readyPasses).Select(p => store.IngestAsync(new IngestCommand($"evt_{p}", $"t{p % 4}", $"P{p}", "loyalty",
                Device.Apple, "apple", true, new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None)));
        }

        await using var counter = await SqliteStepCounter.OpenAsync(root.DatabasePath);
        var connection = counter.Connection;

        await using var control = connection.CreateCommand();
        control.CommandText = RankEveryReadyPass;
        control.Add("$now", s_now.ToUnixTimeMilliseconds());
        await StoreRows.ReadAllAsync(control, r => r.GetString(0), CancellationToken.None);
        var controlSteps = counter.Take();

        await using var transaction = connection.BeginTransaction();
        using var statements = new SqliteStatements(connection);
        var claimed = await new SqliteClaim<StoredEvent>(SqliteQueues.Events).RunAsync(statements, new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 4, 4, []));
        return (claimed.Count, counter.Take(), controlSteps);
    }

    [Fact]
    public async Task AFileWithoutPassHeadsIsUpgradedOnStartAndItsPendingEventsAreClaimedInPassOrder()
    {
        await using (var store = await OpenAsync())
        {
            await IngestAsync(store, "P1", 3);
            await IngestAsync(store, "P2", 1);
        }

        await using (var connection = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False"))
        {
            // What version 1 left: no head columns, no index on them, the old due index.
            await connection.OpenAsync();
            await using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                DROP INDEX passes_tenant_ready; ALTER TABLE passes DROP COLUMN head_seq; ALTER TABLE passes DROP COLUMN ready_at;
                CREATE INDEX events_pending_due ON events(next_attempt_at) WHERE status = 'pending'; UPDATE schema_info SET version = 1;
                """;
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var upgraded = await OpenAsync();
        var first = await ClaimAsync(upgraded);
        foreach (var e in first)
        {
            await upgraded.CompleteAsync(new DeliveryOutcome(e.EventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);
        }

        var second = await ClaimAsync(upgraded);

        first.Select(e => (e.PassId, e.Seq)).Should().BeEquivalentTo([("P1", 1L), ("P2", 1L)]);
        second.Select(e => (e.PassId, e.Seq)).Should().Equal(("P1", 2L));
    }

    private async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task IngestAsync(IEventStore store, string passId, int events)
    {
        for (var i = 0; i < events; i++)
        {
            await store.IngestAsync(new IngestCommand($"evt_{passId}_{i}", "t", passId, "loyalty", Device.Apple, "apple", i % 2 == 0,
                new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None);
        }
    }

    private static Task<IReadOnlyList<StoredEvent>> ClaimAsync(IEventStore store) =>
        store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 16, 16, []), CancellationToken.None);
}
