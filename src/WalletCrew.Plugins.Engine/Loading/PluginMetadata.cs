using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;
using System.Reflection.PortableExecutable;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Loading;

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

    private static readonly HashSet<string> SharedWithTheHost = new(
        [AbstractionsName, typeof(Microsoft.Extensions.Logging.ILogger).Assembly.GetName().Name!], StringComparer.OrdinalIgnoreCase);

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

    /// <summary>
    /// Checks the plugin, and every assembly it ships beside it, against the API policy before anything loads; returns one
    /// error per forbidden symbol. References into the host's own (trusted platform) assemblies are judged: a reference to
    /// an assembly the host does not have is to the plugin's own dependency, which is checked in its own file.
    /// </summary>
    public static IReadOnlyList<ConnectorDiagnostic> CheckPolicy(string assemblyPath, string displayPath, ApiPolicy policy)
    {
        var diagnostics = new List<ConnectorDiagnostic>();
        var folder = Path.GetDirectoryName(assemblyPath)!;
        // Every file is checked, whatever its name (a file named like a host assembly would still load into the plugin's
        // context), except the two the loader always takes from the host.
        var files = Directory.EnumerateFiles(folder, "*.dll")
            .Where(file => !SharedWithTheHost.Contains(Path.GetFileNameWithoutExtension(file)))
            .OrderBy(file => string.Equals(file, assemblyPath, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(file => file, StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var pe = new PEReader(stream);
                if (!pe.HasMetadata)
                {
                    continue; // a native library beside the plugin is never loaded: P/Invoke is refused
                }

                var reader = pe.GetMetadataReader();
                var name = Path.GetFileNameWithoutExtension(file);
                if (reader.IsAssembly && s_friendNames.Value.Contains(reader.GetString(reader.GetAssemblyDefinition().Name)))
                {
                    // A friend of the abstractions sees their internals (the checkpoint budget among them).
                    diagnostics.Add(PluginMessages.ForbiddenApi(displayPath, name, $"assembly name '{reader.GetString(reader.GetAssemblyDefinition().Name)}'",
                        "the name is reserved for the platform's own assemblies, which see the abstractions' internals; rename the assembly"));
                    continue;
                }

                diagnostics.AddRange(PluginMetadataPolicy.Check(reader, policy.AllowList, IsPrivate)
                    .Select(v => PluginMessages.ForbiddenApi(displayPath, name, v.Symbol, v.Reason)));
            }
            catch (Exception exception) when (exception is BadImageFormatException or IOException or InvalidOperationException)
            {
                diagnostics.Add(PluginMessages.LoadFailed(displayPath, exception));
            }
        }

        return diagnostics;
    }

    private static bool IsPrivate(string assemblyName) => !s_hostAssemblies.Value.Contains(assemblyName);

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
