using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// SQL written once for both stores (the wallet and tenant-file statements) names its tables after a <c>{0}</c>: no prefix
/// in SQLite's own file, <see cref="PostgresPrefix"/> in a PostgreSQL database the hosts may share with others. Parameters
/// are written <c>@name</c> and given as (name, value) pairs; a null value is SQL NULL.
/// </summary>
internal static class PrefixedSql
{
    public const string PostgresPrefix = "wcp_";

    public static string Sqlite(string sql) => string.Format(CultureInfo.InvariantCulture, sql, "");

    public static string Postgres(string sql) => string.Format(CultureInfo.InvariantCulture, sql, PostgresPrefix);

    public static SqliteCommand WithParameters(this SqliteCommand command, IEnumerable<(string Name, object? Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Add("@" + name, value);
        }

        return command;
    }

    public static async Task<IReadOnlyList<T>> ReadAsync<T>(SqliteConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, IEnumerable<(string Name, object? Value)> parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sqlite(sql);
        return await StoreRows.ReadAllAsync(command.WithParameters(parameters), map, cancellationToken).ConfigureAwait(false);
    }

    public static NpgsqlCommand PostgresCommand(string sql, NpgsqlConnection connection, NpgsqlTransaction? tx, IEnumerable<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(Postgres(sql), connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command;
    }

    public static async Task<IReadOnlyList<T>> ReadAsync<T>(NpgsqlDataSource dataSource, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, IEnumerable<(string Name, object? Value)> parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresCommand(sql, connection, null, parameters);
        return await StoreRows.ReadAllAsync(command, map, cancellationToken).ConfigureAwait(false);
    }
}
