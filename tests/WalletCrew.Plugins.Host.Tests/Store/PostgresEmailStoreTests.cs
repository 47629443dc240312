using Npgsql;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The email store contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresEmailStoreTests : EmailStoreContractTests
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

    private protected override async Task<IEmailStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        await new PostgresEventStore(_dataSource).InitializeAsync(CancellationToken.None);
        return new PostgresEmailStore(_dataSource);
    }

    private protected override Task InitializeEventStoreAsync() => new PostgresEventStore(_dataSource!).InitializeAsync(CancellationToken.None);

    private protected override async Task<object?> ExecuteAsync(string sql)
    {
        await using var command = _dataSource!.CreateCommand(PrefixedSql.Postgres(sql));
        return await command.ExecuteScalarAsync();
    }
}
