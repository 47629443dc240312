using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The registration statements on generic plans made before the tables have statistics, as a host's cached plans are when
/// it starts on a new database: each reads only its own pass's or device's registrations, however many of the tenant's
/// registrations share its device id (all of a tenant's Google passes do). The control puts back the index on
/// <c>(tenant_id, device, device_id)</c> that such plans once chose, and the same registration's close reads every one of them.
/// </summary>
public sealed class PostgresRegistrationPlanTests : IAsyncLifetime
{
    /// <summary>The tenant's Google registrations, every one with the device id <c>google</c>.</summary>
    private const int GooglePasses = 3_000;

    /// <summary>The tenant's Apple registrations: <see cref="AppleDevices"/> devices holding 30 passes each.</summary>
    private const int ApplePasses = 3_000;

    private const int AppleDevices = 100;

    private const string CountEveryRegistration = """
        SELECT COUNT(*) FILTER (WHERE unregistered_at IS NULL)::int, COUNT(*)::int FROM wcp_registrations WHERE tenant_id = @t AND pass_id = @p
        """;

    private PostgresTestStore _postgres = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestStore.CreateAsync();
        await new PostgresEventStore(_postgres.DataSource).InitializeAsync(CancellationToken.None);
        await _postgres.ExecuteAsync($$"""
            INSERT INTO {0}registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            SELECT 't', 'G' || g, 'google', 'google', 1, 0, 'evt_g' || g FROM generate_series(1, {{GooglePasses}}) g
            UNION ALL
            SELECT 't', 'A' || g, 'apple', 'device-' || (g % {{AppleDevices}}), 1, 0, 'evt_a' || g FROM generate_series(1, {{ApplePasses}}) g;
            """);
        await _postgres.ExecuteAsync($$"""
            INSERT INTO {0}wallet_passes(tenant_id, pass_id, pass_type, identifiers, serial_number, pass_type_identifier, updated_at)
            SELECT 't', 'A' || g, 'loyalty', chr(123) || chr(125), 'S' || g, 'pass.x', 1 FROM generate_series(1, {{ApplePasses}}) g;
            """);
    }

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task TheIngestsRegistrationStatementsReadOnlyTheirOwnPass()
    {
        var read = await RowsReadAsync(PostgresIngest.ReadRegistration, PassKey);
        var close = await RowsReadAsync(PostgresIngest.CloseRegistration, c => PassKey(c.Add("at", 1L).Add("e", "evt_x").Add("g", 1L)));
        var counts = await RowsReadAsync(PostgresIngest.CountsOfPass, PassKey);

        read.Should().BeLessThan(5, "a device's latest registration of one pass is one index seek");
        close.Should().BeLessThan(5, "closing a registration finds it by its whole key");
        counts.Should().BeLessThan(5, "a pass's registration counts are on its row");
    }

    [Fact]
    public async Task APassesRegistrationCountsReadNoneOfItsRegistrationsHoweverManyItHas()
    {
        // A pass on 2,000 devices (or installed and removed as often): every ingest of it reads its counts.
        await _postgres.ExecuteAsync("""
            INSERT INTO {0}registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            SELECT 't', 'H', 'apple', 'device-' || g, 1, 0, 'evt_h' || g FROM generate_series(1, 2000) g;
            INSERT INTO {0}passes(tenant_id, pass_id, last_seq, active_count, total_count) VALUES('t', 'H', 2000, 2000, 2000);
            """);

        var counts = await RowsReadAsync(PostgresIngest.CountsOfPass, c => c.Add("t", "t").Add("p", "H"));
        var control = await RowsReadAsync(CountEveryRegistration, c => c.Add("t", "t").Add("p", "H"));

        counts.Should().Be(0, "the counts are on the pass's row");
        control.Should().BeGreaterThanOrEqualTo(2000, "counting the registrations reads every one of them (the control, what an ingest ran before version 10)");
    }

    [Fact]
    public async Task TheAppleDeviceListingReadsOnlyThatDevicesRegistrations()
    {
        // Planned with statistics: a device lists its passes long after they were registered. Without the index (or with the
        // device's name a parameter, which a generic plan cannot match to the index) the plan reads all 6,000.
        await _postgres.ExecuteAsync("ANALYZE;");

        var listed = await RowsReadAsync(WalletSql.PostgresUpdatedSerials, c => c.Add("t", "t").Add("di", "device-7").Add("pti", "pass.x").Add("since", -1L));

        listed.Should().BeInRange(ApplePasses / AppleDevices, 2 * ApplePasses / AppleDevices, "the device holds 30 of the tenant's 6,000 registrations");
    }

    [Fact]
    public async Task ControlWithTheReplacedDeviceIndexClosingARegistrationReadsEveryRegistrationWithItsDeviceId()
    {
        await _postgres.ExecuteAsync("CREATE INDEX {0}registrations_device ON {0}registrations(tenant_id, device, device_id);");

        var close = await RowsReadAsync(PostgresIngest.CloseRegistration, c => PassKey(c.Add("at", 1L).Add("e", "evt_x").Add("g", 1L)));

        close.Should().BeGreaterThanOrEqualTo(GooglePasses, "the plan reads the tenant's registrations by device id and filters the pass out of them");
    }

    private static void PassKey(NpgsqlCommand command) => command.Add("t", "t").Add("p", "G7").Add("d", "google").Add("di", "google");

    /// <summary>
    /// Runs <paramref name="sql"/> once as a prepared statement on a generic plan (what a host's connection runs once the
    /// statement is prepared) and returns the registrations it read, sequentially or fetched through an index.
    /// </summary>
    private async Task<long> RowsReadAsync(string sql, Action<NpgsqlCommand> parameters)
    {
        await using var connection = await _postgres.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var generic = new NpgsqlCommand("SET LOCAL plan_cache_mode = force_generic_plan", connection, transaction))
        {
            await generic.ExecuteNonQueryAsync();
        }

        // The counts are the connection's until it reports them, which may be after several transactions: read them before and after.
        await using var read = new NpgsqlCommand(
            "SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relname = 'wcp_registrations'", connection, transaction);
        var before = (long)(await read.ExecuteScalarAsync())!;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            parameters(command);
            await command.PrepareAsync();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        return (long)(await read.ExecuteScalarAsync())! - before;
    }
}
