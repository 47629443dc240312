using System.Text.Json;
using WalletCrew.Plugins;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>Builds the events and requests the platform would pass to connectors.</summary>
internal static class TestEvents
{
    public static PassInstallationEvent Installation(
        bool installed = true,
        string passId = "P1",
        Device device = Device.Apple,
        string tenantId = "test-tenant",
        string customerId = "C42") =>
        ConnectorInputs.InstallationEvent(new EventData(
            EventId: "evt-" + passId, TenantId: tenantId, PassId: passId, PassType: "loyalty", Identifiers: new Dictionary<string, string> { ["customerId"] = customerId },
            Device: device, Installed: installed, ActiveRegistrationCount: 1, TotalRegistrationCount: 2,
            Tags: null, Medium: null, Origin: null, UserAgent: null, OccurredAt: new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), Attempt: 1));

    /// <summary>An email request as the host would pass it; the engine binds the tenant's templates when it sends.</summary>
    public static EmailRequest Email(string template = "welcome", string recipient = "ada@example.com", string? dataJson = null, params string[] cultures) =>
        ConnectorInputs.Email("test-tenant", "email-1", recipient, template,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(dataJson ?? """{"firstName":"Ada","points":120}""")!, cultures);

    public static FillRequest Fill(string customerId = "C42", string tenantId = "test-tenant") =>
        new(tenantId, "P1", "loyalty", new Dictionary<string, string> { ["customerId"] = customerId }, new Dictionary<string, JsonElement>());
}
