namespace WalletCrew.Plugins.Host.Store;

/// <summary>What one pruning batch deleted.</summary>
internal sealed record PruneResult(int Events, int LogEntries);
