using Microsoft.Data.Sqlite;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Adds SQLite parameters fluently.</summary>
internal static class SqliteCommandExtensions
{
    public static SqliteCommand Add(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
