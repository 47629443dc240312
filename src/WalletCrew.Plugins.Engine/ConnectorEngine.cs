using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Loading;
using WalletCrew.Plugins.Engine.Reload;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine;

/// <summary>Compiles, checks, loads and binds tenants' connectors; the one entry point of the engine.</summary>
public sealed class ConnectorEngine : IDisposable
{
    private const string InvalidTenant = "WCP0001";

    private readonly ConnectorEngineOptions _options;
    private readonly FetchClient _fetch;
    private readonly CachedScriptCompiler _compiler;
    private readonly ZombieTracker _zombies = new();
    private readonly TenantFetchClients _tenantClients;

    /// <summary>Initializes an engine.</summary>
    /// <param name="options">The engine's settings; the defaults when <see langword="null"/>.</param>
    public ConnectorEngine(ConnectorEngineOptions? options = null)
    {
        _options = options ?? new ConnectorEngineOptions();
        _fetch = new FetchClient(new FetchClientOptions { AllowLoopback = _options.AllowLoopback, Handler = _options.HttpHandler });
        _tenantClients = new TenantFetchClients(_options);
        var cache = _options.CompileCacheDirectory is { } directory
            ? new CompileCache(Path.GetFullPath(directory), _options.AdditionalReferences, _options.Checkpoints)
            : null;
        _compiler = new CachedScriptCompiler(CreateCompiler, cache);
    }

    /// <summary>Compiles and loads every connector of one tenant folder; problems come back as diagnostics, never as exceptions.</summary>
    /// <param name="tenantDirectory">The tenant's folder, named by its id.</param>
    /// <returns>The tenant's live connectors with their diagnostics; they watch the folder when <see cref="ConnectorEngineOptions.HotReload"/> is set.</returns>
    public TenantConnectors LoadTenant(string tenantDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantDirectory);
        var directory = Path.GetFullPath(tenantDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var tenantId = Path.GetFileName(directory);
        if (!TenantIds.IsValid(tenantId) || !Directory.Exists(directory))
        {
            var message = Directory.Exists(directory) ? TenantIds.Explain(tenantId) : $"Tenant folder '{directory}' does not exist.";
            var diagnostic = new ConnectorDiagnostic(directory, 0, 0, ConnectorDiagnosticSeverity.Error, InvalidTenant, message);
            return new TenantConnectors(tenantId, directory, null, new ConnectorInvoker(_options), [diagnostic]);
        }

        var settings = new TenantSettingsSource(tenantId, directory, _options, _tenantClients);
        var builder = new TenantBuilder(
            tenantId, directory, _compiler, new ScriptConnectorLoader(_fetch, _options, settings), new PluginConnectorLoader(_fetch, _options, settings), _zombies, _options.TimeProvider, settings);
        var tenant = new TenantConnectors(tenantId, directory, builder, new ConnectorInvoker(_options, () => settings.Limits), []);
        if (_options.HotReload)
        {
            tenant.Watch(_options);
        }

        return tenant;
    }

    /// <summary>Returns the released connector versions whose code is still in memory after a grace period: a connector holds itself alive (a timer, an event handler on something long-lived).</summary>
    /// <param name="gracePeriod">How long after its release a version counts as a zombie; 30 seconds when <see langword="null"/>.</param>
    /// <returns>The zombies.</returns>
    public IReadOnlyList<ZombieConnector> GetZombies(TimeSpan? gracePeriod = null) =>
        _zombies.Alive(_options.TimeProvider.GetUtcNow() - (gracePeriod ?? TimeSpan.FromSeconds(30)));

    /// <summary>Gets how many scripts were compiled and how many came from the compile cache.</summary>
    public CompileStatistics CompileStatistics => _compiler.Statistics;

    /// <inheritdoc />
    public void Dispose()
    {
        _tenantClients.Dispose();
        _fetch.Dispose();
    }

    // Kept apart so the compiler's types load only when a script is really compiled.
    private ScriptCompiler CreateCompiler() => new(_options.AdditionalReferences, _options.Policy ?? Policy.ApiPolicy.Default, _options.Checkpoints);
}
