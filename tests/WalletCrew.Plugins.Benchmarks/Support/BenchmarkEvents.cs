namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>The one event every hook-invocation row receives (built once; events are immutable).</summary>
internal static class BenchmarkEvents
{
    public const string SecretName = "PARTNER-API-SECRET";

    public const string SecretValue = "bench-api-key-1234";

    public static PassInstallationEvent Installed(string tenantId) => new(
        eventId: "evt-1",
        tenantId: tenantId,
        passId: "P1",
        passType: "loyalty",
        identifiers: new Dictionary<string, string>(StringComparer.Ordinal) { ["customerId"] = "C42" },
        device: Device.Apple,
        installed: true,
        additionalInformation: new AdditionalPassInstallationInformation(new RegistrationInformation(1, 1), null),
        occurredAt: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        attempt: 1);
}
