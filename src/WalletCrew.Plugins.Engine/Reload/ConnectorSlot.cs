using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>The live version of one connector file and the content hash it was built from.</summary>
/// <param name="Version">The loaded version, counted by the generations that hold it.</param>
/// <param name="ContentHash">The hash of the source it was built from, to skip reloads of unchanged files.</param>
/// <param name="LoadedAt">When it was loaded.</param>
internal sealed record ConnectorSlot(CountedVersion Version, string ContentHash, DateTimeOffset LoadedAt);
