using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Registers the event store (and the wallet store beside it) chosen by <see cref="HostSettings.Store"/>, and creates its schema on start.</summary>
internal static class StoreExtensions
{
    public static IServiceCollection AddWalletCrewStore(this IServiceCollection services, HostSettings settings, IConfiguration configuration)
    {
        var store = settings.Store;
        if (store.StartsWith("sqlite:", StringComparison.Ordinal) && store.Length > "sqlite:".Length)
        {
            var synchronous = configuration["WalletCrew:Store:Synchronous"] ?? "FULL";
            if (synchronous is not ("FULL" or "NORMAL" or "EXTRA"))
            {
                throw new InvalidOperationException($"WalletCrew:Store:Synchronous is '{synchronous}'; use FULL (default), EXTRA or NORMAL.");
            }

            // Built by the container, which disposes it when the host stops: the writer commits what is queued, then closes.
            var sqlite = new SqliteStoreOptions(store["sqlite:".Length..], synchronous);
            services.TryAddSingleton(_ => new SqliteEventStore(sqlite));
            services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
            services.TryAddSingleton<IWalletStore>(sp => new SqliteWalletStore(sp.GetRequiredService<SqliteEventStore>()));
            services.TryAddSingleton<IDeliveryInsights>(sp => SqlDeliveryInsights.Sqlite(sp.GetRequiredService<SqliteEventStore>()));
            services.TryAddSingleton<ITenantFileStore>(sp => new SqliteTenantFileStore(sp.GetRequiredService<SqliteEventStore>()));
            services.TryAddSingleton<IEmailStore>(sp => new SqliteEmailStore(sp.GetRequiredService<SqliteEventStore>()));
        }
        else if (store.StartsWith("postgres:", StringComparison.Ordinal))
        {
            // Checked now, so a bad setting stops the start with its message; built by the container, which disposes it
            // (closing the pooled connections) when the host stops.
            var postgres = PostgresDataSources.Parse(store["postgres:".Length..]);
            services.TryAddSingleton(_ => PostgresDataSources.Build(postgres));
            services.TryAddSingleton<IEventStore>(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<ILogger<PostgresEventStore>>()));
            services.TryAddSingleton<IWalletStore>(sp => new PostgresWalletStore(sp.GetRequiredService<NpgsqlDataSource>()));
            services.TryAddSingleton<IDeliveryInsights>(sp => SqlDeliveryInsights.Postgres(sp.GetRequiredService<NpgsqlDataSource>()));
            services.TryAddSingleton<ITenantFileStore>(sp => new PostgresTenantFileStore(sp.GetRequiredService<NpgsqlDataSource>()));
            services.TryAddSingleton<IEmailStore>(sp => new PostgresEmailStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            throw new InvalidOperationException($"The store '{Redact(store)}' is not understood; use --store sqlite:<path> (for example sqlite:wcp.db) or --store \"postgres:Host=…;Database=…;Username=…\".");
        }

        // Each user depends on the role it takes; one that replaces IEventStore (a test) replaces every role.
        services.TryAddSingleton<IEventIngest>(sp => sp.GetRequiredService<IEventStore>());
        services.TryAddSingleton<IEventQueue>(sp => sp.GetRequiredService<IEventStore>());
        services.TryAddSingleton<IEventHistory>(sp => sp.GetRequiredService<IEventStore>());
        services.TryAddSingleton<ITenantLog>(sp => sp.GetRequiredService<IEventStore>());
        services.TryAddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<IEventStore>());
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    // A connection string may carry a password; show only the scheme.
    private static string Redact(string store) => store.StartsWith("sqlite:", StringComparison.Ordinal) ? store : store.Split(':', 2)[0] + ":…";
}
