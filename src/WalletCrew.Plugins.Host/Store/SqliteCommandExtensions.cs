using Microsoft.Data.Sqlite;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Adds SQLite parameters fluently.</summary>
internal static class SqliteCommandExtensions
{
    /// <summary>Sets parameter <paramref name="name"/> to <paramref name="value"/> (null as SQL NULL), adding it if the command has none of that name.</summary>
    public static SqliteCommand Add(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index >= 0)
        {
            parameters[index].Value = value ?? DBNull.Value;
        }
        else
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
