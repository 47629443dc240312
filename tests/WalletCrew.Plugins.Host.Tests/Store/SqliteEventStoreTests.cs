using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The store contract on a real SQLite file.</summary>
public sealed class SqliteEventStoreTests : EventStoreContractTests, IDisposable
{
    private readonly TenantsRoot _root = new();
    private SqliteEventStore? _store;
    private SqliteEventStore? _peer;

    public override async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    private protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(_store = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL")));

    private protected override Task<long?> TransactionsAsync() => Task.FromResult<long?>(_store!.Writer.Commits);

    private protected override Task<IEventStore> CreatePeerStoreAsync() =>
        Task.FromResult<IEventStore>(_peer = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL")));
}
