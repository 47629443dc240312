using Npgsql;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>A fresh database on the test PostgreSQL server and a data source on it, for store contract tests; dropped on dispose.</summary>
internal sealed class PostgresTestStore : IAsyncDisposable
{
    private readonly PostgresDatabase _database;

    private PostgresTestStore(PostgresDatabase database)
    {
        _database = database;
        DataSource = PostgresDataSources.Create(database.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresTestStore> CreateAsync() => new(await PostgresDatabase.CreateAsync());

    /// <summary>Runs one statement written with the store's table names (<see cref="PrefixedSql"/>) and returns its scalar.</summary>
    public async Task<object?> ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(PrefixedSql.Postgres(sql));
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
    }
}
