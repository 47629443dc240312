using Microsoft.Data.Sqlite;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The writer connection's statements, each prepared once and reused by every later batch (SQLite then skips parsing
/// and planning). Callers set the parameters and must not dispose what they get.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    /// <summary>
    /// A <c>LIMIT</c> of <c>$n</c> that keeps a statement prepared: SQLite reads the value bound to a bare parameter there
    /// to plan the limit, and then prepares the statement again whenever another value is bound; a cast it does not read.
    /// </summary>
    public const string LimitN = "LIMIT CAST($n AS INTEGER)";

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns the prepared command for <paramref name="sql"/>, its parameters kept but unset: <see
    /// cref="SqliteCommandExtensions.Add"/> sets them again (one parameter object each, not one per execution), and one left
    /// unset fails the execution, naming it.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            _commands[sql] = command;
        }

        var parameters = command.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            parameters[i].Value = null;
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
