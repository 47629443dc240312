using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;
using SQLite = SQLitePCL.raw;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The writer prepares each statement once (<see cref="SqliteStatements"/>): SQLite must not prepare it again when the next
/// execution binds other values. It does when the plan depends on a bound value, as it does for a partial index whose
/// condition a parameter may or may not meet; then every event would pay a parse and a plan on the one writer thread. The
/// controls add such an index on the device, or a bare parameter as a LIMIT (whose value SQLite reads to plan it): then
/// the statements are prepared again at every execution.
/// </summary>
public sealed class SqliteStatementReuseTests : IAsyncLifetime
{
    /// <summary><c>SQLITE_STMTSTATUS_REPREPARE</c> (sqlite3.h): how many times SQLite prepared a statement again.</summary>
    private const int Reprepared = 5;

    private readonly SqliteTestStore _sqlite = new();

    public Task InitializeAsync() => _sqlite.Events.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    public static TheoryData<string, string> WriterStatements => new()
    {
        { "the ingest's registration read", SqliteIngest.ReadRegistration },
        { "the ingest's registration close", SqliteIngest.CloseRegistration },
        { "the event claim's next tenant", SqliteQueues.Events.NextTenant },
        { "the event claim's due heads", SqliteQueues.Events.Due },
        { "the event claim's lease", SqliteQueues.Events.Lease },
        { "the email claim's due emails", SqliteQueues.Emails.Due },
        { "the email claim's lease", SqliteQueues.Emails.Lease },
        { "an event's completion", SqliteStoreSql.Complete },
        { "a pass head's refresh", SqliteStoreSql.RefreshHead },
        { "a tenant log entry", SqliteStoreSql.InsertLog },
        { "a lease's renewal", SqliteStoreSql.Renew },
    };

    [Theory]
    [MemberData(nameof(WriterStatements))]
    public async Task AWriterStatementRunsAsPreparedWhateverIsBoundToIt(string what, string sql)
    {
        (await TimesPreparedAgainAsync(sql)).Should().Be(0, $"{what} is prepared once");
    }

    [Fact]
    public async Task ControlWithAPartialIndexOnTheDeviceTheRegistrationStatementsArePreparedAgainAtEveryExecution()
    {
        await _sqlite.ExecuteAsync("CREATE INDEX registrations_apple ON registrations(tenant_id, device_id) WHERE device = 'apple';");

        (await TimesPreparedAgainAsync(SqliteIngest.ReadRegistration)).Should().BeGreaterThanOrEqualTo(3);
        (await TimesPreparedAgainAsync(SqliteIngest.CloseRegistration)).Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task ControlWithABareLimitParameterTheClaimIsPreparedAgainAtEveryExecution()
    {
        var bare = SqliteQueues.Events.Due.Replace(SqliteStatements.LimitN, "LIMIT $n", StringComparison.Ordinal);

        bare.Should().NotBe(SqliteQueues.Events.Due);
        (await TimesPreparedAgainAsync(bare)).Should().BeGreaterThanOrEqualTo(3);
    }

    /// <summary>Prepares <paramref name="sql"/> once, runs it four times with other values bound each time, and returns how often SQLite prepared it again.</summary>
    private Task<int> TimesPreparedAgainAsync(string sql)
    {
        Assert.Equal(SQLite.SQLITE_OK, SQLite.sqlite3_open_v2(_sqlite.DatabasePath, out var db, SQLite.SQLITE_OPEN_READWRITE, null));
        using (db)
        {
            Assert.Equal(SQLite.SQLITE_OK, SQLite.sqlite3_prepare_v2(db, sql, out var statement));
            using (statement)
            {
                for (var run = 0; run < 4; run++)
                {
                    for (var index = 1; index <= SQLite.sqlite3_bind_parameter_count(statement); index++)
                    {
                        // The device takes turns between the two wallets; every other parameter takes the run's number.
                        _ = SQLite.sqlite3_bind_parameter_name(statement, index).utf8_to_string() == "$d"
                            ? SQLite.sqlite3_bind_text(statement, index, run % 2 == 0 ? "apple" : "google")
                            : SQLite.sqlite3_bind_int64(statement, index, run + 1);
                    }

                    while (SQLite.sqlite3_step(statement) == SQLite.SQLITE_ROW)
                    {
                    }

                    SQLite.sqlite3_reset(statement);
                }

                return Task.FromResult(SQLite.sqlite3_stmt_status(statement, Reprepared, 0));
            }
        }
    }
}
