using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The console's reads on each store: the replay preview's count (the same filters the replay takes, pending left out),
/// one event's attempts (its own tenant only), and the last hour's attempts per minute from the tenant log.
/// </summary>
public sealed class DeliveryInsightsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly TenantsRoot _root = new();
    private readonly List<IAsyncDisposable> _owned = [];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CountsAttemptsAndThroughputFollowTheFiltersAndTheTenant(string kind)
    {
        var (store, insights) = await OpenAsync(kind);
        var ids = new Dictionary<string, string>();
        foreach (var (tenant, pass) in new[] { ("t", "P1"), ("t", "P2"), ("t", "P3"), ("u", "P1") })
        {
            var outcome = await store.IngestAsync(new IngestCommand($"evt_{tenant}_{pass}", tenant, pass, "loyalty", Device.Apple, "apple", true,
                new Dictionary<string, string>(), null, s_now.AddMinutes(-30), s_now.AddMinutes(-30)), CancellationToken.None);
            ids[tenant + pass] = outcome.EventId!;
        }

        var ends = new Dictionary<string, (DeliveryStatus Status, string Label)>
        {
            ["tP1"] = (DeliveryStatus.Delivered, "delivered"), ["tP2"] = (DeliveryStatus.Dead, "dead"),
            ["tP3"] = (DeliveryStatus.Pending, "retry"), ["uP1"] = (DeliveryStatus.Delivered, "delivered"),
        };
        var at = s_now.AddMinutes(-20);
        foreach (var e in await store.ClaimAsync(new ClaimRequest("owner", at, TimeSpan.FromMinutes(1), 10, 10, []), CancellationToken.None))
        {
            var (status, label) = ends[e.TenantId + e.PassId];
            var log = new TenantLogRecord(e.TenantId, at, "delivery", e.EventId, 1, label, 12, label == "delivered" ? null : "boom", []);
            (await store.CompleteAsync(new DeliveryOutcome(e.EventId, "owner", status, at, status == DeliveryStatus.Pending ? at.AddMinutes(5) : null,
                log.Error, true, log), CancellationToken.None)).Should().BeTrue();
        }

        await store.AppendLogAsync(new TenantLogRecord("t", s_now.AddHours(-2), "delivery", ids["tP1"], 0, "delivered", 5, null, []), CancellationToken.None);
        await store.AppendLogAsync(new TenantLogRecord("t", s_now.AddMinutes(-5), "fill", null, null, "ok", 5, null, []), CancellationToken.None);

        (await insights.CountReplayableAsync(new DeliveryQuery("t", null, null, 1), CancellationToken.None)).Should().Be(2, "delivered and dead; pending is left alone");
        (await insights.CountReplayableAsync(new DeliveryQuery("t", [DeliveryStatus.Dead], null, 1), CancellationToken.None)).Should().Be(1);
        (await insights.CountReplayableAsync(new DeliveryQuery("t", [DeliveryStatus.Pending], null, 1), CancellationToken.None)).Should().Be(0);
        (await insights.CountReplayableAsync(new DeliveryQuery("t", [DeliveryStatus.Dead], "P1", 1), CancellationToken.None)).Should().Be(0);
        (await insights.CountReplayableAsync(new DeliveryQuery(null, null, null, 1), CancellationToken.None)).Should().Be(3);
        (await insights.CountReplayableAsync(new DeliveryQuery(null, null, null, 1) { ReceivedBefore = s_now.AddMinutes(-30) }, CancellationToken.None)).Should().Be(0);

        var attempts = await insights.ReadAttemptsAsync("t", ids["tP2"], CancellationToken.None);
        attempts.Should().ContainSingle().Which.Should().Match<TenantLogRecord>(a => a.Status == "dead" && a.Error == "boom" && a.DurationMs == 12);
        (await insights.ReadAttemptsAsync("u", ids["tP2"], CancellationToken.None)).Should().BeEmpty("another tenant's event has no attempts for u");

        var since = s_now.AddHours(-1);
        var all = await insights.GetThroughputAsync(null, since, CancellationToken.None);
        var t = await insights.GetThroughputAsync("t", since, CancellationToken.None);
        all.Should().ContainSingle().Which.Should().Be(new ThroughputPoint(since.AddMinutes(40), 2, 2));
        t.Should().ContainSingle().Which.Should().Be(new ThroughputPoint(since.AddMinutes(40), 1, 2), "the entry of two hours ago and the Fill call are not deliveries of the hour");
    }

    [Theory]
    [InlineData("t", null)]
    [InlineData(null, null)]
    [InlineData(null, "dead")]
    [InlineData("t", "dead")]
    [InlineData("t", "delivered")]
    [InlineData("t", "dead,pending")]
    public async Task EveryDeliveriesPageOnSqliteWalksAnIndexInOrderInsteadOfSortingTheTable(string? tenantId, string? statuses)
    {
        var (store, _) = await OpenAsync("sqlite");
        var query = new DeliveryQuery(tenantId, statuses?.Split(',').Select(DeliveryStatusNames.Parse).ToList(), null, 51)
        {
            After = new DeliveryCursor(s_now.ToUnixTimeMilliseconds(), "evt_x"),
        };
        await using var connection = await ((SqliteEventStore)store).OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        DeliveryListSql.List(command, "events", query);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        plan.Should().Contain(step => step.Contains("USING INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
        plan.Should().NotContain(step => step.StartsWith("SCAN events", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
        if (statuses is null || !statuses.Contains(','))
        {
            // Only rows of one receive time are sorted (by event id); a multi-status read of pending and dead sorts those few.
            plan.Should().NotContain("USE TEMP B-TREE FOR ORDER BY", string.Join(" | ", plan));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    private async Task<(IEventStore Store, IDeliveryInsights Insights)> OpenAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var sqlite = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
            _owned.Add(sqlite);
            await sqlite.InitializeAsync(CancellationToken.None);
            return (sqlite, SqlDeliveryInsights.Sqlite(sqlite));
        }

        var database = await PostgresDatabase.CreateAsync();
        var source = PostgresDataSources.Create(database.ConnectionString);
        _owned.Add(database);
        _owned.Insert(0, source);
        var postgres = new PostgresEventStore(source);
        await postgres.InitializeAsync(CancellationToken.None);
        return (postgres, SqlDeliveryInsights.Postgres(source));
    }
}
