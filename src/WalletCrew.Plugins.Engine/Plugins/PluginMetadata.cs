using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Reflection.PortableExecutable;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Reads a plugin's metadata without loading it, and refuses it before anything runs when it is not a connector or was
/// built against abstractions this host cannot honour (different major version, or newer than the host's).
/// </summary>
internal static class PluginMetadata
{
    public const string AbstractionsName = "WalletCrew.Plugins.Abstractions";

    // The assemblies the host resolves itself (framework, abstractions, the host's own dependencies): what the policy judges.
    private static readonly Lazy<HashSet<string>> s_hostAssemblies = new(() => new HashSet<string>(
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>(),
        StringComparer.OrdinalIgnoreCase));

    private static readonly Lazy<HashSet<string>> s_friendNames = new(() => new HashSet<string>(
        typeof(IPassUpdater).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName.Split(',')[0].Trim()),
        StringComparer.OrdinalIgnoreCase));

    /// <summary>Gets the version of the abstractions this host shares with plugins.</summary>
    public static Version HostAbstractionsVersion { get; } = typeof(IPassUpdater).Assembly.GetName().Version!;

    /// <summary>Returns why the plugin is refused, or <see langword="null"/> when it may be loaded.</summary>
    public static ConnectorDiagnostic? Check(string assemblyPath, string displayPath, Version host)
    {
        Version? referenced;
        try
        {
            using var stream = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return PluginMessages.NotAnAssembly(displayPath, "it has no .NET metadata");
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return PluginMessages.NotAnAssembly(displayPath, "it is a module, not an assembly");
            }

            referenced = FindAbstractionsReference(reader);
        }
        catch (BadImageFormatException exception)
        {
            return PluginMessages.NotAnAssembly(displayPath, exception.Message.TrimEnd('.'));
        }
        catch (IOException exception)
        {
            return PluginMessages.LoadFailed(displayPath, exception);
        }

        if (referenced is null)
        {
            return PluginMessages.NotAConnector(displayPath);
        }

        if (referenced.Major != host.Major)
        {
            return PluginMessages.AbstractionsMajorMismatch(displayPath, referenced, host);
        }

        // The default context only binds a reference to an equal or lower version; a newer one would fail at first use.
        return referenced > host ? PluginMessages.AbstractionsNewerThanHost(displayPath, referenced, host) : null;
    }

    /// <summary>Gets whether the host provides an assembly of this name (framework, abstractions, the host's own dependencies).</summary>
    /// <remarks>Such a name always resolves from the host: a plugin's file of the same name is never loaded.</remarks>
    public static bool IsHostAssembly(string assemblyName) => s_hostAssemblies.Value.Contains(assemblyName);

    /// <summary>
    /// Checks every assembly the plugin's context can load (<see cref="PluginFiles"/>) against the API policy and the unsafe-code
    /// rules before anything loads; returns one error per finding, naming the file. References into the host's assemblies are
    /// judged, through type forwarders; a reference into one of the plugin's own assemblies is judged in that assembly's file.
    /// </summary>
    public static IReadOnlyList<ConnectorDiagnostic> CheckPolicy(PluginFiles files, string pluginDisplayFolder, ApiPolicy policy)
    {
        var diagnostics = files.Problems
            .Select(p => PluginMessages.RefusedFile($"{pluginDisplayFolder}/{p.File}", p.File, p.Problem))
            .ToList();
        for (var i = 0; i < files.Assemblies.Count; i++)
        {
            var file = files.Assemblies[i];
            var path = $"{pluginDisplayFolder}/{file.RelativePath}";
            var name = i == 0 ? file.Name : "file " + file.RelativePath;
            void Add(string symbol, string reason) => diagnostics.Add(PluginMessages.ForbiddenApi(path, name, symbol, reason));
            try
            {
                using var pe = new PEReader(ImmutableCollectionsMarshal.AsImmutableArray(file.Image));
                var reader = pe.GetMetadataReader();
                if (s_friendNames.Value.Contains(file.Name))
                {
                    // A friend of the abstractions sees their internals (the checkpoint budget among them).
                    Add($"assembly name '{file.Name}'", "the name is reserved for the platform's own assemblies, which see the abstractions' internals; rename the assembly");
                    continue;
                }

                if (i == 0 && IsHostAssembly(file.Name))
                {
                    Add($"assembly name '{file.Name}'", "the host has an assembly of that name, which would be used instead; rename the assembly");
                    continue;
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (symbol, reason) in PluginMetadataPolicy.Check(reader, policy.AllowList, files.HostAssemblyOf))
                {
                    seen.Add(symbol);
                    Add(symbol, reason);
                }

                PluginUnsafeCode.Check(file.Image, (symbol, reason) =>
                {
                    if (seen.Add(symbol))
                    {
                        Add(symbol, reason);
                    }
                });
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // An image the readers cannot follow is refused: what cannot be judged does not load.
                diagnostics.Add(PluginMessages.LoadFailed(path, exception));
            }
        }

        return diagnostics;
    }

    private static Version? FindAbstractionsReference(MetadataReader reader)
    {
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.StringComparer.Equals(reference.Name, AbstractionsName))
            {
                return reference.Version;
            }
        }

        return null;
    }
}
