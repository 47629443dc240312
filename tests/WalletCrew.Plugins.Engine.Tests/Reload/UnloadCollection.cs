namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>Unload tests count process-wide load contexts and assemblies: they run alone.</summary>
[CollectionDefinition(nameof(UnloadCollection), DisableParallelization = true)]
public sealed class UnloadCollection;
