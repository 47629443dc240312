using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The email store contract on a fresh SQLite file.</summary>
public sealed class SqliteEmailStoreTests : EmailStoreContractTests, IDisposable
{
    private readonly TenantsRoot _root = new();
    private SqliteEventStore? _events;

    public override async Task DisposeAsync()
    {
        if (_events is not null)
        {
            await _events.DisposeAsync();
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    private protected override async Task<IEmailStore> CreateStoreAsync()
    {
        _events = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
        await _events.InitializeAsync(CancellationToken.None);
        return new SqliteEmailStore(_events);
    }

    private protected override Task InitializeEventStoreAsync() => _events!.InitializeAsync(CancellationToken.None);

    private protected override async Task<object?> ExecuteAsync(string sql)
    {
        await using var connection = await _events!.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = PrefixedSql.Sqlite(sql);
        return await command.ExecuteScalarAsync();
    }
}
