using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Every file of a plugin folder, read once into memory: the managed assemblies among them (found by their metadata, whatever
/// their name, extension or subfolder) are what the policy judges and the only thing the plugin's load context loads, from
/// these same bytes. A file the host also provides (framework, abstractions) is never loaded from the folder.
/// </summary>
internal sealed class PluginFiles
{
    private const int MaxForwarderHops = 8;

    private readonly Dictionary<string, string> _forwarders;

    private PluginFiles(IReadOnlyList<PluginAssemblyFile> assemblies, IReadOnlyList<(string File, string Problem)> problems, Dictionary<string, string> forwarders)
    {
        Assemblies = assemblies;
        Problems = problems;
        _forwarders = forwarders;
    }

    /// <summary>Gets the assemblies the plugin's context may load, the main assembly first.</summary>
    public IReadOnlyList<PluginAssemblyFile> Assemblies { get; }

    /// <summary>Gets what makes the folder unloadable as it is, per file (relative to the folder).</summary>
    public IReadOnlyList<(string File, string Problem)> Problems { get; }

    /// <summary>Reads <paramref name="folder"/>; <paramref name="mainFile"/> is the main assembly's path relative to it.</summary>
    public static PluginFiles Read(string folder, string mainFile)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        var files = Directory.EnumerateFiles(folder, "*", options)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .OrderBy(f => string.Equals(f, mainFile, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
        var assemblies = new List<PluginAssemblyFile>();
        var problems = new List<(string, string)>();
        var forwarders = new Dictionary<string, string>(StringComparer.Ordinal);
        var identities = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var relative in files)
        {
            var full = Path.Combine(folder, relative);
            if (relative.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase))
            {
                problems.AddRange(PluginDepsFile.OutsideThe(folder, full).Select(asset => (relative,
                    $"it names '{asset}', outside the plugin folder; a plugin loads only the files in its own folder")));
                continue;
            }

            var image = File.ReadAllBytes(full);
            if (Identify(image, relative, forwarders, problems) is not { } identity
                || (PluginMetadata.IsHostAssembly(identity.Name) && !string.Equals(relative, mainFile, StringComparison.Ordinal)))
            {
                continue; // not an assembly (never loaded: native code is refused), or one the host provides (the main one is judged for it)
            }

            var key = identity.Name + "/" + identity.Culture;
            if (!identities.TryAdd(key, relative))
            {
                problems.Add((relative, $"it defines the assembly '{identity.Name}' (culture '{identity.Culture}') a second time, after '{identities[key]}'"));
                continue;
            }

            var symbols = Path.ChangeExtension(full, ".pdb");
            assemblies.Add(new PluginAssemblyFile(relative, identity.Name, identity.Culture, image, File.Exists(symbols) ? File.ReadAllBytes(symbols) : null));
        }

        return new PluginFiles(assemblies, problems, forwarders);
    }

    /// <summary>
    /// Follows type forwarders from <paramref name="assembly"/> through the plugin's files and returns the host assembly that
    /// defines the type, or <see langword="null"/> when one of the plugin's own assemblies does (it is judged in its own file).
    /// </summary>
    public string? HostAssemblyOf(string assembly, string ns, string name)
    {
        for (var hop = 0; hop < MaxForwarderHops; hop++)
        {
            if (PluginMetadata.IsHostAssembly(assembly))
            {
                return assembly;
            }

            if (!_forwarders.TryGetValue(ForwarderKey(assembly, ns, name), out var target))
            {
                return null;
            }

            assembly = target;
        }

        return assembly; // a loop of forwarders never loads; judging it by name is the safe side
    }

    private static (string Name, string Culture)? Identify(byte[] image, string relative, Dictionary<string, string> forwarders, List<(string, string)> problems)
    {
        try
        {
            using var pe = new PEReader(ImmutableCollectionsMarshal.AsImmutableArray(image));
            if (!pe.HasMetadata)
            {
                return null;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return null; // a module alone never loads; an assembly linking it is refused below
            }

            var definition = reader.GetAssemblyDefinition();
            var name = reader.GetString(definition.Name);
            if (reader.AssemblyFiles.Count > 0)
            {
                problems.Add((relative, "it links other files (a multi-module assembly), which a plugin cannot load"));
            }

            foreach (var handle in reader.ExportedTypes)
            {
                var exported = reader.GetExportedType(handle);
                if (exported.IsForwarder && exported.Implementation.Kind == HandleKind.AssemblyReference)
                {
                    var target = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)exported.Implementation).Name);
                    forwarders[ForwarderKey(name, reader.GetString(exported.Namespace), reader.GetString(exported.Name))] = target;
                }
            }

            var culture = reader.GetString(definition.Culture);
            return (name, culture.Length == 0 ? "neutral" : culture);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    private static string ForwarderKey(string assembly, string ns, string name) => $"{assembly.ToUpperInvariant()}\n{ns}\n{name}";
}
