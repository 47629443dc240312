namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>Unload tests count load contexts and force collections: they run alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UnloadCollection
{
    public const string Name = "Unload";
}
