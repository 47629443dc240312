using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>Turns the engine's call arguments into their wire records and back.</summary>
internal static class WireConversions
{
    public static EventData ToWire(PassInstallationEvent e)
    {
        var registrations = e.AdditionalInformation.RegistrationInformation;
        var source = e.AdditionalInformation.RegistrationSource;
        return new EventData(e.EventId, e.TenantId, e.PassId, e.PassType, e.Identifiers, e.Device, e.Installed,
            registrations.ActiveRegistrationCount, registrations.TotalRegistrationCount,
            source?.Tags, source?.Medium, source?.Origin, source?.UserAgent, e.OccurredAt, e.Attempt);
    }

    public static PassInstallationEvent FromWire(EventData e) => ConnectorInputs.InstallationEvent(e);

    public static FillData ToWire(FillRequest request) =>
        new(request.TenantId, request.PassId, request.PassType, request.Identifiers, JsonSerializer.Serialize(request.Data, WorkerJson.Default.IReadOnlyDictionaryStringJsonElement));

    public static EmailData ToWire(EmailRequest request) =>
        new(request.TenantId, request.EmailId, request.Recipient, request.EmailTemplate,
            JsonSerializer.Serialize(request.Data, WorkerJson.Default.IReadOnlyDictionaryStringJsonElement), request.Cultures);

    public static EmailRequest FromWire(EmailData request) =>
        ConnectorInputs.Email(request.TenantId, request.EmailId, request.Recipient, request.EmailTemplate,
            JsonSerializer.Deserialize(request.Data, WorkerJson.Default.IReadOnlyDictionaryStringJsonElement) ?? new Dictionary<string, JsonElement>(),
            request.Cultures);

    public static FillRequest FromWire(FillData request) =>
        ConnectorInputs.Fill(request.TenantId, request.PassId, request.PassType, request.Identifiers,
            JsonSerializer.Deserialize(request.Data, WorkerJson.Default.IReadOnlyDictionaryStringJsonElement) ?? new Dictionary<string, JsonElement>());
}
