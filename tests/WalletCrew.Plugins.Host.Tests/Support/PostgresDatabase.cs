using Npgsql;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// A fresh database on the throwaway PostgreSQL server that <c>eng/test.sh</c> starts (its connection string is in
/// <c>WCP_TEST_POSTGRES</c>); dropped on dispose.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    public const string ServerVariable = "WCP_TEST_POSTGRES";

    private readonly string _server;
    private readonly string _name;

    private PostgresDatabase(string server, string name, string connectionString)
    {
        _server = server;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Gets the connection string of this database.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the host's <c>--store</c> value for this database.</summary>
    public string Store => "postgres:" + ConnectionString;

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set: run the tests with `bash eng/test.sh`, which starts a throwaway PostgreSQL server, " +
                $"or set {ServerVariable} to a server where this user may create databases.");
        }

        var name = "wcp_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new PostgresDatabase(server, name, builder.ConnectionString);
    }

    /// <summary>Cuts the database off (every session ended, new ones refused) or lets connections in again: an outage on demand.</summary>
    public async Task SetReachableAsync(bool reachable)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var allow = new NpgsqlCommand($"ALTER DATABASE {_name} WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")};", connection);
        await allow.ExecuteNonQueryAsync();
        if (!reachable)
        {
            await using var end = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_name}';", connection);
            await end.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Counts the sessions connected to this database now.</summary>
    public async Task<long> CountSessionsAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{_name}';", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }
}
