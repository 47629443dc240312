namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>A pass updater bound to the typed contract: direct delegates, no reflection per call.</summary>
/// <param name="Source">The connector file that registered it.</param>
/// <param name="Installed">Runs <c>OnPassInstalled</c>.</param>
/// <param name="Uninstalled">Runs <c>OnPassUninstalled</c>.</param>
/// <param name="RunsInline">Whether its code carries checkpoints, so it may run on the caller's thread (a runaway loop stops itself at the deadline).</param>
internal sealed record BoundPassUpdater(
    string Source,
    Func<PassInstallationEvent, CancellationToken, Task> Installed,
    Func<PassInstallationEvent, CancellationToken, Task> Uninstalled,
    bool RunsInline = false);
