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
}
