using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>The tenant file store contract on a real SQLite file.</summary>
public sealed class SqliteTenantFileStoreTests : TenantFileStoreContractTests, IDisposable
{
    private readonly TenantsRoot _root = new();
    private SqliteEventStore? _store;

    public override async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    private protected override Task<(IEventStore Events, ITenantFileStore Files)> CreateStoresAsync()
    {
        _store = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
        return Task.FromResult<(IEventStore, ITenantFileStore)>((_store, new SqliteTenantFileStore(_store)));
    }

    private protected override async Task<object?> ExecuteAsync(string sql)
    {
        await using var connection = await _store!.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = PrefixedSql.Sqlite(sql);
        return await command.ExecuteScalarAsync();
    }
}
