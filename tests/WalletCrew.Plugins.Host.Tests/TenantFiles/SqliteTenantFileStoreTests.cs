using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>The tenant file store contract on a real SQLite file.</summary>
public sealed class SqliteTenantFileStoreTests : TenantFileStoreContractTests
{
    private readonly SqliteTestStore _sqlite = new();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();

    private protected override Task<(IEventStore Events, ITenantFileStore Files)> CreateStoresAsync() =>
        Task.FromResult<(IEventStore, ITenantFileStore)>((_sqlite.Events, new SqliteTenantFileStore(_sqlite.Events)));

    private protected override Task<object?> ExecuteAsync(string sql) => _sqlite.ExecuteAsync(sql);
}
