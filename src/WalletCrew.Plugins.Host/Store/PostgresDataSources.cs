using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Builds the PostgreSQL data source from the <c>postgres:</c> store setting, with errors that never echo a password.</summary>
internal static class PostgresDataSources
{
    public static NpgsqlDataSource Create(string connectionString)
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
        return new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }
}
