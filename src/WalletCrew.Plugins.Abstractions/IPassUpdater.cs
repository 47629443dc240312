namespace WalletCrew.Plugins;

/// <summary>Reacts when a pass is installed in or removed from Apple or Google Wallet.</summary>
/// <remarks>
/// Registered under <see cref="RegistrationKeys.PassUpdater"/>. The platform delivers each event at least once:
/// throw to fail the delivery, and the host retries with the same <see cref="PassInstallationEvent.EventId"/>,
/// so use it as an idempotency key towards your partner.
/// </remarks>
public interface IPassUpdater
{
    /// <summary>Called when a pass was added to a wallet.</summary>
    /// <param name="e">The installation event.</param>
    /// <param name="cancellationToken">Cancelled when the invocation's wall-time limit is reached or the host stops.</param>
    /// <returns>A task that completes when the partner has been told.</returns>
    Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken);

    /// <summary>Called when a pass was removed from a wallet.</summary>
    /// <param name="e">The uninstallation event.</param>
    /// <param name="cancellationToken">Cancelled when the invocation's wall-time limit is reached or the host stops.</param>
    /// <returns>A task that completes when the partner has been told.</returns>
    Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken);
}
