using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The email store contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresEmailStoreTests : EmailStoreContractTests
{
    private PostgresTestStore? _postgres;

    public override async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private protected override async Task<IEmailStore> CreateStoreAsync()
    {
        _postgres = await PostgresTestStore.CreateAsync();
        await new PostgresEventStore(_postgres.DataSource).InitializeAsync(CancellationToken.None);
        return new PostgresEmailStore(_postgres.DataSource);
    }

    private protected override Task InitializeEventStoreAsync() => new PostgresEventStore(_postgres!.DataSource).InitializeAsync(CancellationToken.None);

    private protected override Task<object?> ExecuteAsync(string sql) => _postgres!.ExecuteAsync(sql);
}
