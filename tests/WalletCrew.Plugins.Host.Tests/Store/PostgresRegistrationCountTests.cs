using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The registration counts contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresRegistrationCountTests : RegistrationCountContractTests
{
    private PostgresTestStore? _postgres;

    public override async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private protected override async Task<IEventStore> CreateStoreAsync()
    {
        _postgres = await PostgresTestStore.CreateAsync();
        return new PostgresEventStore(_postgres.DataSource);
    }

    private protected override Task<object?> ExecuteAsync(string sql) => _postgres!.ExecuteAsync(sql);
}
