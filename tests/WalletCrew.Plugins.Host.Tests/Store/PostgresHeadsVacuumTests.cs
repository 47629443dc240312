using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The pass heads are vacuumed by the store itself once enough of them were rewritten, rather than when autovacuum next
/// visits (what that buys is measured in docs/benchmarks.md); a store that wrote less leaves the table alone.
/// </summary>
public sealed class PostgresHeadsVacuumTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private PostgresDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        _store = new PostgresEventStore(_dataSource);
        await _store.InitializeAsync(CancellationToken.None);
        // Autovacuum stays out of this table, so any vacuum seen is the store's.
        await ExecuteAsync("ALTER TABLE wcp_passes SET (autovacuum_enabled = false);");
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task DeliveringEnoughEventsVacuumsThePassHeads()
    {
        var delivered = await DeliverAsync(PostgresHeadsVacuum.Threshold / 2);

        await WaitForAsync(async () => await VacuumCountAsync() >= 1);
        delivered.Should().BeGreaterThan(PostgresHeadsVacuum.Threshold / 3);
        _store.Vacuum.Runs.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task FewerWritesThanTheThresholdLeaveTheTableAlone()
    {
        await DeliverAsync(100);
        await Task.Delay(500);

        _store.Vacuum.Runs.Should().Be(0);
        (await VacuumCountAsync()).Should().Be(0, "the control: the table is vacuumed only after enough writes");
    }

    // Ingests, claims and completes `events` events over 8 passes (each one rewrites its pass's head at least three times).
    private async Task<int> DeliverAsync(int events)
    {
        var delivered = 0;
        for (var i = 0; i < events; i += 8)
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(p => _store.IngestAsync(new IngestCommand(
                $"evt_{i + p}", "t", $"P{p}", "loyalty", Device.Apple, $"device-{i}", true, new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None)));
            var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, TimeSpan.FromMinutes(2), 8, 8, []), CancellationToken.None);
            await Task.WhenAll(claimed.Select(e => _store.CompleteAsync(
                new DeliveryOutcome(e.EventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None)));
            delivered += claimed.Count;
        }

        return delivered;
    }

    private async Task<long> VacuumCountAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'wcp_passes'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        (await condition()).Should().BeTrue();
    }
}
