using Microsoft.Data.Sqlite;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// A connection of its own to a SQLite file that counts the virtual machine steps SQLite runs on it: a measure of a
/// statement's work that no load on the machine can skew.
/// </summary>
internal sealed class SqliteStepCounter : IAsyncDisposable
{
    private long _steps;

    private SqliteStepCounter(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    public static async Task<SqliteStepCounter> OpenAsync(string databasePath)
    {
        var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        var counter = new SqliteStepCounter(connection);
        SQLitePCL.raw.sqlite3_progress_handler(connection.Handle, 1, _ =>
        {
            counter._steps++;
            return 0;
        }, null);
        return counter;
    }

    /// <summary>Returns the steps run since the last call (or the connection opened) and starts counting again.</summary>
    public long Take()
    {
        var steps = _steps;
        _steps = 0;
        return steps;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
