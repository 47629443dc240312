namespace WalletCrew.Plugins.Host.Admin;

/// <summary>One live connector file: its version (content hash), when it went live, and what it registered.</summary>
internal sealed record ConnectorVersionView(string Path, string Version, DateTimeOffset LoadedAt, int PassUpdaters, IReadOnlyList<string> CustomerProviders);
