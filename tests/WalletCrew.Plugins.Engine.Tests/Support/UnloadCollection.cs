namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>
/// Tests that force collections or count process-wide load contexts run here, alone: a parallel test that unloads a
/// connector clears System.Text.Json's caches, and one that starts Kestrel loads framework assemblies.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UnloadCollection
{
    public const string Name = "Unload";
}
