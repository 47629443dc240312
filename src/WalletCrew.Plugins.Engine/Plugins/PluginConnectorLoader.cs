using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;

using WalletCrew.Plugins.Engine.Loading;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Loads one plugin folder (<c>server/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>) into its own collectible context
/// (<see cref="PluginLoadContext"/>), which loads only the folder's judged assemblies and shares the host's framework and
/// abstractions, and registers its connectors.
/// </summary>
/// <remarks>
/// The assemblies are read into memory (no file lock, so a deploy may overwrite them) and the engine decides when to reload. Its metadata is checked first: a plugin built against incompatible abstractions never loads.
/// What loads is the woven copy (<see cref="WovenPluginFolder"/>), whose checkpoints hold plugin code to the same
/// wall-time and stack limits as scripts.
/// </remarks>
internal sealed class PluginConnectorLoader(FetchClient fetch, ConnectorEngineOptions options, TenantSettingsSource? settings = null)
{
    private static readonly Lazy<string> PrivateWovenRoot = new(() =>
    {
        var folder = Sandbox.TempFolders.Create("wcp-woven-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    });

    public ConnectorVersion Load(string tenantId, string tenantDirectory, string pluginFolder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(pluginFolder));
        var assemblyPath = Path.Combine(pluginFolder, name + ".dll");
        var path = Path.GetRelativePath(tenantDirectory, assemblyPath).Replace('\\', '/');
        if (!File.Exists(assemblyPath))
        {
            return ConnectorVersion.Failed(path, [PluginMessages.MissingAssembly(path, name)]);
        }

        // Before anything is read: a link (to /dev/zero, outside the folder) or an oversized folder would exhaust memory.
        var displayFolder = Path.GetRelativePath(tenantDirectory, pluginFolder).Replace('\\', '/');
        IReadOnlyList<(string File, string Problem)> unreadable;
        try
        {
            unreadable = PluginFolderScan.Check(pluginFolder);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ConnectorVersion.Failed(path, [PluginMessages.LoadFailed(path, exception)]);
        }

        if (unreadable.Count > 0)
        {
            return ConnectorVersion.Failed(path, unreadable.Select(p => p.File.Length == 0
                ? PluginMessages.RefusedFolder(displayFolder, p.Problem)
                : PluginMessages.RefusedFile($"{displayFolder}/{p.File}", p.File, p.Problem)).ToList());
        }

        var refused = PluginMetadata.Check(assemblyPath, path, PluginMetadata.HostAbstractionsVersion);
        if (refused is not null)
        {
            return ConnectorVersion.Failed(path, [refused]);
        }

        var loadFolder = pluginFolder;
        if (options.Checkpoints)
        {
            try
            {
                loadFolder = WovenPluginFolder.Prepare(pluginFolder, WovenRoot(tenantId));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                return ConnectorVersion.Failed(path, [PluginMessages.NotInstrumentable(path, exception)]);
            }
        }

        // The policy judges the files that will load (the woven copy), read once into memory; the plugin's context loads
        // those same bytes and nothing else, so a file swapped after the check, or never judged, never loads.
        PluginFiles files;
        try
        {
            files = PluginFiles.Read(loadFolder, name + ".dll");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ConnectorVersion.Failed(path, [PluginMessages.LoadFailed(path, exception)]);
        }

        var forbidden = PluginMetadata.CheckPolicy(files, displayFolder, options.Policy ?? Policy.ApiPolicy.Default);
        if (forbidden.Count > 0)
        {
            return ConnectorVersion.Failed(path, forbidden);
        }

        if (files.Assemblies is not [{ } main, ..] || main.RelativePath != name + ".dll")
        {
            return ConnectorVersion.Failed(path, [PluginMessages.NotAnAssembly(path, "its metadata could not be read")]);
        }

        var collector = new RegistrationCollector(path, error => new ConnectorDiagnostic(path, 0, 0, ConnectorDiagnosticSeverity.Error, error.Code, error.Message));
        var hostLogger = options.LoggerFactory.CreateLogger("Tenant." + tenantId);
        var context = new ConnectorContext(tenantId, new TenantLogger(tenantId, hostLogger), () => settings?.Fetch ?? fetch, options.Secrets, collector.Register);
        var scope = new InvocationScope(CancellationToken.None, settings?.Limits ?? InvocationLimits.From(options), settings?.SecretsRead);

        var loader = new PluginLoadContext(name, files.Assemblies);
        var loadContext = new WeakReference(loader);
        var loaded = false;
        try
        {
            var assembly = loader.LoadJudged(main);
            loaded = true;
            var types = assembly.GetExportedTypes();
            if (!RunRegistration(path, types, context, collector, scope))
            {
                context.Seal();
                loader.Unload();
                return ConnectorVersion.Failed(path, [PluginMessages.RegisterTimedOut(path, options.LoadTimeout)]);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            collector.Diagnostics.Add(PluginMessages.LoadFailed(path, exception));
        }
        finally
        {
            context.Seal();
        }

        if (!loaded || collector.Diagnostics.Any(d => d.IsError))
        {
            loader.Unload();
            return ConnectorVersion.Failed(path, collector.Diagnostics, scope.Log);
        }

        collector.WarnIfEmpty();
        return new ConnectorVersion(
            path, loadContext, loader.Unload, context, collector.PassUpdaters, collector.CustomerProviders, collector.EmailSenders, collector.Diagnostics, scope.Log);
    }

    // Woven copies live beside the compile cache, named by content; with the cache off, in a folder of this process's own
    // (created owner-only), never in a shared temp path where another user could plant a "woven" copy to be loaded.
    private string WovenRoot(string tenantId) => options.CompileCacheDirectory is { } cache ? Path.Combine(cache, tenantId, "woven-plugins") : PrivateWovenRoot.Value;

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    /// <summary>Runs the plugin's registration on a fresh async flow within the wall-time limit; false when it timed out.</summary>
    private bool RunRegistration(string path, Type[] types, ConnectorContext context, RegistrationCollector collector, InvocationScope scope)
    {
        var run = Task.Run(() =>
        {
            InvocationScope.Current = scope;
            var budget = new ExecutionBudget(options.LoadTimeout, setting: LimitMessages.LoadTimeoutSetting);
            ConnectorCheckpoint.Budget = budget;
            try
            {
                return PluginEntryPoints.Register(path, types, context);
            }
            finally
            {
                budget.End(); // what the registration left running stops with it
            }
        });
        if (!run.Wait(options.LoadTimeout) && !run.Wait(ExecutionBudget.CheckpointGrace))
        {
            return false;
        }

        collector.Diagnostics.AddRange(run.Result);
        return true;
    }
}
