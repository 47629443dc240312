using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Adds PostgreSQL parameters fluently.</summary>
internal static class PostgresCommandExtensions
{
    public static NpgsqlCommand Add(this NpgsqlCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
