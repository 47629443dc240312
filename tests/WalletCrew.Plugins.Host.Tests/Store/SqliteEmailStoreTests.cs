using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The email store contract on a fresh SQLite file.</summary>
public sealed class SqliteEmailStoreTests : EmailStoreContractTests
{
    private readonly SqliteTestStore _sqlite = new();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    private protected override async Task<IEmailStore> CreateStoreAsync()
    {
        await _sqlite.Events.InitializeAsync(CancellationToken.None);
        return new SqliteEmailStore(_sqlite.Events);
    }

    private protected override Task InitializeEventStoreAsync() => _sqlite.Events.InitializeAsync(CancellationToken.None);

    private protected override Task<object?> ExecuteAsync(string sql) => _sqlite.ExecuteAsync(sql);

    // SQLite's progress handler counts the virtual machine's instructions: the store's claim runs on a connection of the
    // test's own, as the writer runs it, inside a transaction rolled back at the end.
    private protected override async Task<(int Claimed, long ClaimWork, long ControlWork)> MeasureClaimAsync(string control, DateTimeOffset now, int max, int perTenant)
    {
        await using var counter = await SqliteStepCounter.OpenAsync(_sqlite.DatabasePath);
        var connection = counter.Connection;
        await using var transaction = connection.BeginTransaction();

        using var statements = new SqliteStatements(connection);
        var claimed = await new SqliteClaim<StoredEmail>(SqliteQueues.Emails).RunAsync(statements,
            new ClaimRequest("measure", now, TimeSpan.FromMinutes(2), max, perTenant, []));
        var claimWork = counter.Take();

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = PrefixedSql.Sqlite(control);
        command.Parameters.AddWithValue("@now", StoreRows.ToMs(now));
        command.Parameters.AddWithValue("@max", max);
        command.Parameters.AddWithValue("@perTenant", perTenant);
        await StoreRows.ReadAllAsync(command, r => r.GetString(0), CancellationToken.None);
        return (claimed.Count, claimWork, counter.Take());
    }
}
