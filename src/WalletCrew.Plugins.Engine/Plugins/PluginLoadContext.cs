using System.Reflection;
using System.Runtime.Loader;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// One collectible context per plugin version that loads only the judged assemblies of its folder (<see cref="PluginFiles"/>),
/// from the judged bytes, matched by name and culture. Everything else comes from the host (framework, abstractions) or
/// does not load: no probing of the folder, its subfolders, <c>.deps.json</c> or <c>runtimeconfig.json</c> paths.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, PluginAssemblyFile> _files;

    public PluginLoadContext(string name, IEnumerable<PluginAssemblyFile> files)
        : base(name, isCollectible: true) =>
        _files = files.ToDictionary(f => Key(f.Name, f.Culture), StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads one of the judged assemblies.</summary>
    public Assembly LoadJudged(PluginAssemblyFile file) =>
        LoadFromStream(new MemoryStream(file.Image, writable: false), file.Symbols is null ? null : new MemoryStream(file.Symbols, writable: false));

    // Null hands the name to the default context, which knows only the host's own assemblies.
    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _files.TryGetValue(Key(name, assemblyName.CultureName), out var file) ? LoadJudged(file) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        throw new DllNotFoundException($"A plugin cannot load the native library '{unmanagedDllName}'.");

    private static string Key(string name, string? culture) => name + "/" + (string.IsNullOrEmpty(culture) ? "neutral" : culture);
}
