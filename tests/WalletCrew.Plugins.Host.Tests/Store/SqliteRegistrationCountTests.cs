using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The registration counts contract on a real SQLite file, plus what the writer's ingest costs on a pass with a long history.</summary>
public sealed class SqliteRegistrationCountTests : RegistrationCountContractTests
{
    /// <summary>What an ingest ran before the counts were kept on the pass (the control).</summary>
    private const string CountEveryRegistration = """
        SELECT COALESCE(SUM(CASE WHEN unregistered_at IS NULL THEN 1 ELSE 0 END), 0), COUNT(*)
        FROM registrations WHERE tenant_id = $t AND pass_id = $p;
        """;

    private static readonly DateTimeOffset s_now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly SqliteTestStore _sqlite = new();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    [Fact]
    public async Task AnIngestsWorkOnTheWriterDoesNotGrowWithThePassesRegistrations()
    {
        // SQLite's progress handler counts the virtual machine's instructions: a measure of work that no load can skew. A
        // pass on many devices (or installed and removed many times) must not make every ingest of it slower for every tenant.
        await AddRegistrationsAsync("SHORT", 20);
        await AddRegistrationsAsync("LONG", 2_000);

        var (shortIngest, shortControl) = await MeasureAsync("SHORT", 20);
        var (longIngest, longControl) = await MeasureAsync("LONG", 2_000);

        ((double)longIngest / shortIngest).Should().BeLessThan(1.5, "an ingest reads the pass's counts from its row, whatever its history");
        ((double)longControl / shortControl).Should().BeGreaterThan(20, "counting the registrations reads every one of them, so the test can tell the two apart");
    }

    private protected override Task<IEventStore> CreateStoreAsync() => Task.FromResult<IEventStore>(_sqlite.Events);

    private protected override Task<object?> ExecuteAsync(string sql) => _sqlite.ExecuteAsync(sql);

    /// <summary>Gives <paramref name="passId"/> <paramref name="count"/> active registrations, its row counting them, as ingests would have.</summary>
    private async Task AddRegistrationsAsync(string passId, int count)
    {
        await ExecuteAsync($"""
            WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {count})
            INSERT INTO registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            SELECT 't', '{passId}', 'apple', 'device-' || g, 1, 0, 'evt_{passId}_' || g FROM n;
            """);
        await ExecuteAsync($"INSERT INTO passes(tenant_id, pass_id, last_seq, active_count, total_count) VALUES('t', '{passId}', {count}, {count}, {count});");
    }

    /// <summary>The steps of one ingest of a new device's install, run as the writer runs it (rolled back), and of the control's count.</summary>
    private async Task<(long Ingest, long Control)> MeasureAsync(string passId, int registrations)
    {
        await using var counter = await SqliteStepCounter.OpenAsync(_sqlite.DatabasePath);
        await using (var transaction = counter.Connection.BeginTransaction())
        {
            using var statements = new SqliteStatements(counter.Connection);
            var command = new IngestCommand($"evt_{passId}_new", "t", passId, "loyalty", Device.Apple, "device-new", true, new Dictionary<string, string>(), null, s_now, s_now);
            counter.Take();
            var outcome = await new SqliteIngest(statements).RunAsync(command, CancellationToken.None);
            var ingest = counter.Take();
            outcome.Created.Should().BeTrue();
            outcome.TotalRegistrationCount.Should().Be(registrations + 1);

            await using var control = counter.Connection.CreateCommand();
            control.CommandText = CountEveryRegistration;
            control.Add("$t", "t").Add("$p", passId);
            await control.ExecuteScalarAsync();
            return (ingest, counter.Take());
        }
    }
}
