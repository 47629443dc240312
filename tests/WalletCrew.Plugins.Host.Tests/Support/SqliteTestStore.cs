using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>A SQLite event store on a throwaway file (<c>synchronous=FULL</c>) for store contract tests; file and pools cleared on dispose.</summary>
internal sealed class SqliteTestStore : IAsyncDisposable
{
    private readonly TenantsRoot _root = new();

    public SqliteTestStore() => Events = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));

    public SqliteEventStore Events { get; }

    /// <summary>Gets the database file's path.</summary>
    public string DatabasePath => _root.DatabasePath;

    /// <summary>Runs one statement written with the store's table names (<see cref="PrefixedSql"/>) and returns its scalar.</summary>
    public async Task<object?> ExecuteAsync(string sql)
    {
        await using var connection = await Events.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = PrefixedSql.Sqlite(sql);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
