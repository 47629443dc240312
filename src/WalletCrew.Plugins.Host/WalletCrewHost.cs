using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Admin;
using WalletCrew.Plugins.Host.Console;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Emails;
using WalletCrew.Plugins.Host.Fill;
using WalletCrew.Plugins.Host.Health;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Retention;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.TenantFiles;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Host.Wallets;
using WalletCrew.Plugins.Host.Wallets.Google;

namespace WalletCrew.Plugins.Host;

/// <summary>Builds and runs the host service (<c>wcp serve</c>); reads as the table of contents of its features.</summary>
public static class WalletCrewHost
{
    /// <summary>Builds the host; configuration also comes from <paramref name="args"/>, the environment and appsettings.json.</summary>
    /// <param name="settings">The tenants root, addresses and store.</param>
    /// <param name="args">Command-line configuration, such as <c>--WalletCrew:ApiKeys:0=…</c>.</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(HostSettings settings, string[] args) => Build(CreateBuilder(settings, args));

    /// <summary>Builds and runs the host until <paramref name="cancellationToken"/> is cancelled or the process is asked to stop.</summary>
    /// <param name="settings">The tenants root, addresses and store.</param>
    /// <param name="args">Command-line configuration.</param>
    /// <param name="cancellationToken">Stops the host gracefully.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public static async Task RunAsync(HostSettings settings, string[] args, CancellationToken cancellationToken)
    {
        var app = Build(settings, args);
        await using (app.ConfigureAwait(false))
        {
            // Every settings section's problems at once, before anything starts: the host resolves its hosted services (the
            // tenants' registry reads the engine's settings) before its own start validation, so only the first section
            // read was named.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the builder with every service registered; tests replace services (such as the clock) before building.</summary>
    internal static WebApplicationBuilder CreateBuilder(HostSettings settings, string[] args)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The engine sets the process's default Regex match timeout when it loads; it takes effect only before the first Regex.
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(Engine.ConnectorEngine).Module.ModuleHandle);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [ConfigurationFiles.NoFolderWatch, .. args] });
        ConfigurationFiles.PollForChanges(builder);
        // Defaults below every other source (appsettings, environment, arguments override them): one line per request is noise.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        if ((settings.Urls ?? (ConfiguresAddresses(builder.Configuration) ? null : HostSettings.DefaultUrls)) is { } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        if (settings.Urls is not null && builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            // Kestrel prefers its configured endpoints to the addresses it is given: --urls, which outranks every other
            // source, would be overridden. Kestrel reads its section again without the endpoints (certificates, limits kept).
            var kestrel = new ConfigurationBuilder().AddInMemoryCollection(builder.Configuration.GetSection("Kestrel").AsEnumerable(makePathsRelative: true)
                .Where(setting => !setting.Key.StartsWith("Endpoints", StringComparison.OrdinalIgnoreCase))).Build();
            builder.WebHost.ConfigureKestrel(k => k.Configure(kestrel));
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 16 * 1024 * 1024);
        // How long a stop waits for in-flight deliveries before cancelling and releasing them.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = builder.Configuration.GetValue("WalletCrew:ShutdownTimeout", TimeSpan.FromSeconds(30)));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddWalletCrewApi();
        builder.Services.AddWalletCrewAuthentication(builder.Configuration);
        builder.Services.AddWalletCrewConsole(builder.Configuration);
        builder.Services.AddWalletCrewStore(settings, builder.Configuration);
        builder.Services.AddWalletCrewTenants(settings);
        builder.Services.AddWalletCrewTenantFiles();
        builder.Services.AddWalletCrewIngestion();
        builder.Services.AddWalletCrewWallets();
        builder.Services.AddWalletCrewDelivery();
        builder.Services.AddWalletCrewRetention();
        builder.Services.AddWalletCrewTelemetry(builder.Configuration);
        builder.Services.AddGoogleWallet(builder.Configuration);
        return builder;
    }

    /// <summary>Builds the application and maps every route.</summary>
    internal static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsoleHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealth();
        app.MapIngestion();
        app.MapWallets();
        app.MapFill();
        app.MapEmails();
        app.MapTenantFiles();
        app.MapAdmin();
        app.MapConsole();
        return app;
    }

    // Whether configuration names the addresses to listen on, as ASP.NET Core reads them: URLs, ports, or Kestrel's endpoints.
    private static bool ConfiguresAddresses(IConfiguration configuration) =>
        new[] { WebHostDefaults.ServerUrlsKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey }.Any(key => !string.IsNullOrEmpty(configuration[key]))
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
