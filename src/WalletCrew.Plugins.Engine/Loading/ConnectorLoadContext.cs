using System.Reflection;
using System.Runtime.Loader;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// One collectible load context per connector version. The framework and the abstractions resolve from the default
/// context, so the contracts are shared with the host; the libraries shipped for connectors (<see cref="ConnectorLibraries"/>,
/// Refit and its dependencies) are loaded privately into this context, so their static caches die with it.
/// </summary>
internal sealed class ConnectorLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } simpleName && ConnectorLibraries.Paths.TryGetValue(simpleName, out var path)
            ? LoadFromAssemblyPath(path)
            : null;
}
