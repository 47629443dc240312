using System.Globalization;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The wallet store contract on a real SQLite file, plus the Apple device listing's reads.</summary>
public sealed class SqliteWalletStoreTests : WalletStoreContractTests
{
    private readonly SqliteTestStore _sqlite = new();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    [Fact]
    public async Task TheAppleDeviceListingReadsThatDevicesRegistrationsNotTheTenants()
    {
        // 3,000 Google registrations (one device id) and 3,000 Apple ones on 100 devices, each Apple pass in the registry.
        await ExecuteAsync("""
            WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 3000)
            INSERT INTO registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            SELECT 't', 'G' || g, 'google', 'google', 1, 0, 'evt_g' || g FROM n
            UNION ALL SELECT 't', 'A' || g, 'apple', 'device-' || (g % 100), 1, 0, 'evt_a' || g FROM n;
            """);
        await ExecuteAsync("""
            WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 3000)
            INSERT INTO wallet_passes(tenant_id, pass_id, pass_type, identifiers, serial_number, pass_type_identifier, updated_at)
            SELECT 't', 'A' || g, 'loyalty', '[]', 'S' || g, 'pass.x', 1 FROM n;
            """);

        var listed = await StepsAsync(WalletSql.SqliteUpdatedSerials);
        var planners = await StepsAsync(string.Format(CultureInfo.InvariantCulture, WalletSql.UpdatedSerials, "", ""));

        listed.Rows.Should().Be(30);
        planners.Rows.Should().Be(30, "the control lists the same passes");
        listed.Steps.Should().BeLessThan(planners.Steps / 10, "the listing reads the device's 30 registrations; left to itself, SQLite's planner reads the tenant's 6,000 (the control)");
    }

    private protected override Task<(IEventStore Events, IWalletStore Wallets)> CreateStoresAsync() =>
        Task.FromResult<(IEventStore, IWalletStore)>((_sqlite.Events, new SqliteWalletStore(_sqlite.Events)));

    private protected override Task<object?> ExecuteAsync(string sql) => _sqlite.ExecuteAsync(sql);

    /// <summary>Runs the listing of <c>device-7</c>'s passes with <paramref name="sql"/>; returns its rows and SQLite's virtual machine steps.</summary>
    private async Task<(int Rows, long Steps)> StepsAsync(string sql)
    {
        await using var counter = await SqliteStepCounter.OpenAsync(_sqlite.DatabasePath);
        await using var command = counter.Connection.CreateCommand();
        command.CommandText = sql;
        command.WithParameters([("t", "t"), ("di", "device-7"), ("pti", "pass.x"), ("since", -1L)]);
        var rows = await StoreRows.ReadAllAsync(command, r => r.GetString(0), CancellationToken.None);
        return (rows.Count, counter.Take());
    }
}
