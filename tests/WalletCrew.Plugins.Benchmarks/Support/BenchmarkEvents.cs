using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>The one event every hook-invocation row receives (built once; events are immutable).</summary>
internal static class BenchmarkEvents
{
    public const string SecretName = "PARTNER-API-SECRET";

    public const string SecretValue = "bench-api-key-1234";

    public static PassInstallationEvent Installed(string tenantId) => ConnectorInputs.InstallationEvent(new EventData(
        EventId: "evt-1", TenantId: tenantId, PassId: "P1", PassType: "loyalty", Identifiers: new Dictionary<string, string>(StringComparer.Ordinal) { ["customerId"] = "C42" },
        Device: Device.Apple, Installed: true, ActiveRegistrationCount: 1, TotalRegistrationCount: 1,
        Tags: null, Medium: null, Origin: null, UserAgent: null, OccurredAt: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Attempt: 1));
}
