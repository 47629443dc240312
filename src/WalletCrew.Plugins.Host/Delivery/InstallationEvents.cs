using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Turns a stored event into the typed event the hooks receive.</summary>
internal static class InstallationEvents
{
    public static PassInstallationEvent ToHookEvent(this StoredEvent e, int attempt) =>
        ConnectorInputs.InstallationEvent(new EventData(
            e.EventId, e.TenantId, e.PassId, e.PassType, e.Identifiers, e.Device, e.Installed, e.ActiveRegistrationCount, e.TotalRegistrationCount,
            e.Source?.Tags, e.Source?.Medium, e.Source?.Origin, e.Source?.UserAgent, e.OccurredAt, attempt));
}
