using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// Reads a plugin's metadata without loading it, and refuses it before anything runs when it is not a connector or was
/// built against abstractions this host cannot honour (different major version, or newer than the host's).
/// </summary>
internal static class PluginMetadata
{
    public const string AbstractionsName = "WalletCrew.Plugins.Abstractions";

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
