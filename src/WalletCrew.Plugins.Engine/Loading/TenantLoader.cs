using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>Finds, compiles, loads and binds one tenant's connectors: <c>server/script/**/*.csx</c>, then <c>server/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>.</summary>
internal sealed class TenantLoader(ScriptCompiler compiler, FetchClient fetch, ConnectorEngineOptions options)
{
    private const string InvalidTenant = "WCP0001";

    public TenantConnectors Load(string tenantDirectory)
    {
        var tenantId = Path.GetFileName(tenantDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var invoker = new ConnectorInvoker(options);
        if (!TenantIds.IsValid(tenantId) || !Directory.Exists(tenantDirectory))
        {
            var message = Directory.Exists(tenantDirectory) ? TenantIds.Explain(tenantId) : $"Tenant folder '{tenantDirectory}' does not exist.";
            var diagnostic = new ConnectorDiagnostic(tenantDirectory, 0, 0, ConnectorDiagnosticSeverity.Error, InvalidTenant, message);
            return new TenantConnectors(tenantId, tenantDirectory, [diagnostic], [], new RegistrationTable(), invoker, []);
        }

        var loader = new ScriptConnectorLoader(fetch, options);
        var versions = FindScripts(tenantDirectory)
            .Select(path => compiler.Compile(new ScriptSource(tenantId, DisplayPath(tenantDirectory, path), File.ReadAllText(path))))
            .Select(loader.Load)
            .ToList();
        var plugins = new PluginConnectorLoader(fetch, options);
        versions.AddRange(PluginFolders.Find(tenantDirectory).Select(folder => plugins.Load(tenantId, tenantDirectory, folder)));

        var diagnostics = versions.SelectMany(v => v.Diagnostics).ToList();
        var table = new RegistrationTable();
        foreach (var version in versions.Where(v => !v.HasErrors))
        {
            table.PassUpdaters.AddRange(version.PassUpdaters);
            foreach (var provider in version.CustomerProviders)
            {
                if (!table.CustomerProviders.TryAdd(provider.Name, provider))
                {
                    diagnostics.Add(new ConnectorDiagnostic(version.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, BindingCodes.DuplicateProvider,
                        $"Customer provider '{provider.Name}' is already registered by {table.CustomerProviders[provider.Name].Source}; each provider name is registered once per tenant."));
                }
            }
        }

        return new TenantConnectors(tenantId, tenantDirectory, diagnostics, [.. versions.SelectMany(v => v.LoadLog)], table, invoker, versions);
    }

    private static IEnumerable<string> FindScripts(string tenantDirectory)
    {
        var scripts = Path.Combine(tenantDirectory, "server", "script");
        return Directory.Exists(scripts)
            ? Directory.EnumerateFiles(scripts, "*.csx", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    private static string DisplayPath(string tenantDirectory, string path) =>
        Path.GetRelativePath(tenantDirectory, path).Replace('\\', '/');
}
