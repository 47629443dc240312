using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>The store contract on a fresh database of the real PostgreSQL server.</summary>
public sealed class PostgresEventStoreTests : EventStoreContractTests
{
    private PostgresDatabase? _database;
    private Npgsql.NpgsqlDataSource? _dataSource;

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

    [Fact]
    public async Task HostsCreatingTheSchemaOfAnEmptyDatabaseAtOnceAllStart()
    {
        await using var empty = await PostgresDatabase.CreateAsync();

        var starts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var dataSource = PostgresDataSources.Create(empty.ConnectionString);
            await new PostgresEventStore(dataSource).InitializeAsync(CancellationToken.None);
        }));

        await FluentActions.Awaiting(() => Task.WhenAll(starts)).Should().NotThrowAsync();
    }

    private protected override async Task<IEventStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _dataSource = PostgresDataSources.Create(_database.ConnectionString);
        return new PostgresEventStore(_dataSource);
    }
}
