using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Turns a stored event into the typed event the hooks receive.</summary>
internal static class InstallationEvents
{
    public static PassInstallationEvent ToHookEvent(this StoredEvent e, int attempt)
    {
        var source = e.Source is null ? null : new RegistrationSource(e.Source.Tags, e.Source.Medium, e.Source.Origin, e.Source.UserAgent);
        return new PassInstallationEvent(
            e.EventId,
            e.TenantId,
            e.PassId,
            e.PassType,
            e.Identifiers,
            e.Device,
            e.Installed,
            new AdditionalPassInstallationInformation(new RegistrationInformation(e.ActiveRegistrationCount, e.TotalRegistrationCount), source),
            e.OccurredAt,
            attempt);
    }
}
