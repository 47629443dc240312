using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Engine;

/// <summary>Compiles, checks, loads and binds tenants' connectors; the one entry point of the engine.</summary>
public sealed class ConnectorEngine : IDisposable
{
    private readonly ConnectorEngineOptions _options;
    private readonly FetchClient _fetch;
    private readonly ScriptCompiler _compiler = new();

    /// <summary>Initializes an engine.</summary>
    /// <param name="options">The engine's settings; the defaults when <see langword="null"/>.</param>
    public ConnectorEngine(ConnectorEngineOptions? options = null)
    {
        _options = options ?? new ConnectorEngineOptions();
        _fetch = new FetchClient(new FetchClientOptions { AllowLoopback = _options.AllowLoopback, Handler = _options.HttpHandler });
    }

    /// <summary>Compiles and loads every connector of one tenant folder; problems come back as diagnostics, never as exceptions.</summary>
    /// <param name="tenantDirectory">The tenant's folder, named by its id.</param>
    /// <returns>The tenant's loaded connectors with their diagnostics.</returns>
    public TenantConnectors LoadTenant(string tenantDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantDirectory);
        var loader = new TenantLoader(_compiler, _fetch, _options);
        return loader.Load(Path.GetFullPath(tenantDirectory));
    }

    /// <inheritdoc />
    public void Dispose() => _fetch.Dispose();
}
