using System.Text.Json;

namespace WalletCrew.Plugins.Engine;

/// <summary>
/// Creates what connectors receive. Only the platform creates events and requests, so their constructors are internal to
/// Abstractions, which opens them to the engine alone: the host, the CLI and the testing package create them here.
/// </summary>
internal static class ConnectorInputs
{
    /// <summary>Creates the event the pass updaters receive; <see cref="EventData.Tags"/> <see langword="null"/>: no registration source.</summary>
    public static PassInstallationEvent InstallationEvent(EventData e)
    {
        var source = e.Tags is null ? null : new RegistrationSource(e.Tags, e.Medium, e.Origin, e.UserAgent);
        var information = new AdditionalPassInstallationInformation(new RegistrationInformation(e.ActiveRegistrationCount, e.TotalRegistrationCount), source);
        return new PassInstallationEvent(e.EventId, e.TenantId, e.PassId, e.PassType, e.Identifiers, e.Device, e.Installed, information, e.OccurredAt, e.Attempt);
    }

    public static FillRequest Fill(string tenantId, string passId, string passType, IReadOnlyDictionary<string, string> identifiers, IReadOnlyDictionary<string, JsonElement> data) =>
        new(tenantId, passId, passType, identifiers, data);

    public static EmailRequest Email(string tenantId, string emailId, string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyList<string> cultures) =>
        new(tenantId, emailId, recipient, emailTemplate, data, cultures);
}
