namespace WalletCrew.Plugins.Host.Store;

/// <summary>Where the SQLite file lives and how hard each commit is flushed.</summary>
/// <param name="Path">The database file.</param>
/// <param name="Synchronous"><c>FULL</c> (default: a 202 survives power loss) or <c>NORMAL</c> (survives a process crash only).</param>
internal sealed record SqliteStoreOptions(string Path, string Synchronous);
