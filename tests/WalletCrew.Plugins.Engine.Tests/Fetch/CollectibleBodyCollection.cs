namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>
/// The collectible-body tests run alone: any tenant unloading in a test beside them clears System.Text.Json's
/// process-wide caches (UnloadHazards), which can free the context the negative control expects pinned.
/// </summary>
[CollectionDefinition(nameof(CollectibleBodyTests), DisableParallelization = true)]
public sealed class CollectibleBodyCollection;
