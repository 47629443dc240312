using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>Finds, compiles, loads and binds one tenant's connectors.</summary>
internal sealed class TenantLoader(ScriptCompiler compiler, FetchClient fetch, ConnectorEngineOptions options)
{
    public TenantConnectors Load(string tenantDirectory)
    {
        _ = compiler;
        _ = fetch;
        _ = options;
        _ = tenantDirectory;
        throw new NotSupportedException();
    }
}
