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

    [Fact]
    public async Task AClaimStartsFromTheReadyPassesAndLooksEachHeadUpByItsKeySoTheBacklogDoesNotAddToItsCost()
    {
        await using (var store = await OpenAsync())
        {
            await IngestAsync(store, "P1", 1);
        }

        await using var connection = new SqliteConnection($"Data Source={_root.DatabasePath}");
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteSchema.Claim;
        explain.Add("$owner", "o").Add("$until", 1).Add("$now", 1).Add("$excluded", "[]").Add("$perTenant", 4).Add("$running", "{}").Add("$max", 16);
        var plan = await StoreRows.ReadAllAsync(explain, r => r.GetString(3), CancellationToken.None);

        plan.Should().Contain(line => line.StartsWith("SEARCH p USING INDEX passes_ready", StringComparison.Ordinal));
        plan.Should().Contain(line => line.StartsWith("SEARCH e USING INDEX sqlite_autoindex_events_2 (tenant_id=? AND pass_id=? AND seq=?)", StringComparison.Ordinal));
        plan.Should().NotContain(line => line.StartsWith("SCAN e", StringComparison.Ordinal) || line.StartsWith("SEARCH e USING INDEX events_status", StringComparison.Ordinal));
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
                DROP INDEX passes_ready; ALTER TABLE passes DROP COLUMN head_seq; ALTER TABLE passes DROP COLUMN ready_at;
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
