using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The wallet store contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresWalletStoreTests : WalletStoreContractTests
{
    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private protected override async Task<(IEventStore Events, IWalletStore Wallets)> CreateStoresAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        return (new PostgresEventStore(_dataSource), new PostgresWalletStore(_dataSource));
    }

    private protected override async Task<object?> ExecuteAsync(string sql)
    {
        await using var command = _dataSource!.CreateCommand(PrefixedSql.Postgres(sql));
        return await command.ExecuteScalarAsync();
    }
}
