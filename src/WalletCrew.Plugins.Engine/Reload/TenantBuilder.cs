using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Loading;
using WalletCrew.Plugins.Engine.Plugins;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Builds a tenant's next generation aside from the live one: unchanged connectors keep their version (compared by
/// content hash), changed scripts are compiled and plugins reloaded, and a connector whose new version fails keeps
/// serving its previous one.
/// </summary>
internal sealed class TenantBuilder(
    string tenantId,
    string tenantDirectory,
    CachedScriptCompiler compiler,
    ScriptConnectorLoader scripts,
    PluginConnectorLoader plugins,
    ZombieTracker zombies,
    TimeProvider time,
    TenantSettingsSource? settings = null)
{

    public TenantGeneration Build(TenantGeneration? current, long number)
    {
        settings?.Reload();
        var slots = new Dictionary<string, ConnectorSlot>(StringComparer.Ordinal);
        var failedReloads = new List<ConnectorDiagnostic>();
        foreach (var source in ConnectorSource.Find(tenantDirectory))
        {
            var previous = current?.Slots.GetValueOrDefault(source.DisplayPath);
            var read = source.Read();
            if (read is null)
            {
                if (previous is not null)
                {
                    slots[source.DisplayPath] = previous;
                }

                continue;
            }

            var (text, hash) = read.Value;
            if (previous is not null && previous.ContentHash == hash)
            {
                slots[source.DisplayPath] = previous;
                continue;
            }

            var version = source.IsPlugin
                ? plugins.Load(tenantId, tenantDirectory, source.FullPath)
                : scripts.Load(compiler.Compile(new ScriptSource(tenantId, source.DisplayPath, text)));
            if (version.HasErrors && previous is not null && !previous.Version.Value.HasErrors)
            {
                // A broken save never replaces a working version: report it and keep serving the old one.
                version.Dispose();
                failedReloads.AddRange(version.Diagnostics);
                failedReloads.Add(new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Warning, LoadCodes.PreviousVersionKept,
                    $"The new version failed to load; the version loaded at {previous.LoadedAt:u} keeps serving until the file is fixed."));
                slots[source.DisplayPath] = previous;
                continue;
            }

            slots[source.DisplayPath] = new ConnectorSlot(new CountedVersion(version, tenantId, zombies, time), hash, time.GetUtcNow());
        }

        var (table, diagnostics) = Merge(slots);
        return new TenantGeneration(number, slots, table, [.. settings?.Diagnostics ?? [], .. failedReloads, .. diagnostics.Where(d => !failedReloads.Any(f => f.Path == d.Path))]);
    }

    /// <summary>Returns whether the files on disk differ from the generation (added, removed or changed content).</summary>
    public bool HasChanges(TenantGeneration current)
    {
        if (settings?.HasChanged() == true)
        {
            return true;
        }

        var sources = ConnectorSource.Find(tenantDirectory);
        if (sources.Count != current.Slots.Count)
        {
            return true;
        }

        foreach (var source in sources)
        {
            if (!current.Slots.TryGetValue(source.DisplayPath, out var slot) || source.Read() is not { } read || read.Hash != slot.ContentHash)
            {
                return true;
            }
        }

        return false;
    }

    private static (RegistrationTable Table, List<ConnectorDiagnostic> Diagnostics) Merge(Dictionary<string, ConnectorSlot> slots)
    {
        var table = new RegistrationTable();
        var diagnostics = new List<ConnectorDiagnostic>();
        foreach (var version in slots.Values.Select(s => s.Version.Value))
        {
            diagnostics.AddRange(version.Diagnostics);
            if (version.HasErrors)
            {
                continue;
            }

            table.PassUpdaters.AddRange(version.PassUpdaters);
            foreach (var provider in version.CustomerProviders)
            {
                if (!table.CustomerProviders.TryAdd(provider.Name, provider))
                {
                    diagnostics.Add(new ConnectorDiagnostic(version.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, BindingCodes.DuplicateProvider,
                        $"Customer provider '{provider.Name}' is already registered by {table.CustomerProviders[provider.Name].Source}; each provider name is registered once per tenant."));
                }
            }

            foreach (var sender in version.EmailSenders)
            {
                if (table.EmailSender is { } first)
                {
                    diagnostics.Add(new ConnectorDiagnostic(version.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, BindingCodes.DuplicateEmailSender,
                        $"An email sender ({RegistrationKeys.EmailEngine}) is already registered by {first.Source}; a tenant sends its emails through one sender."));
                    continue;
                }

                table.EmailSender = sender;
            }
        }

        return (table, diagnostics);
    }
}
