using System.Reflection;
using System.Runtime.Loader;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// One collectible load context per connector version. It loads nothing itself: the framework and the abstractions
/// resolve from the default context, so the contracts are shared with the host and everything else stays private.
/// </summary>
internal sealed class ConnectorLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
