using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The wallet store contract on a real SQLite file.</summary>
public sealed class SqliteWalletStoreTests : WalletStoreContractTests
{
    private readonly SqliteTestStore _sqlite = new();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    private protected override Task<(IEventStore Events, IWalletStore Wallets)> CreateStoresAsync() =>
        Task.FromResult<(IEventStore, IWalletStore)>((_sqlite.Events, new SqliteWalletStore(_sqlite.Events)));

    private protected override Task<object?> ExecuteAsync(string sql) => _sqlite.ExecuteAsync(sql);
}
