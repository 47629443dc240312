namespace WalletCrew.Plugins.Host.Store;

/// <summary>What one pruning batch deleted.</summary>
/// <param name="WalletEntries">Apple device log messages and Google nonces deleted (each table at most the batch size).</param>
internal sealed record PruneResult(int Events, int LogEntries, int WalletEntries = 0);
