using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>What a loaded tenant offers now: its generation, each connector's version, every diagnostic (failed saves included), its sandboxed worker's state, and the stored tenant version it serves (null for a folder tenant).</summary>
internal sealed record TenantSnapshot(
    string TenantId,
    long Generation,
    int PassUpdaterCount,
    IReadOnlyList<string> CustomerProviders,
    IReadOnlyList<ConnectorInfo> Connectors,
    IReadOnlyList<ConnectorDiagnostic> Diagnostics,
    WorkerStatus? Worker,
    long? TenantVersion = null)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public static TenantSnapshot Of(TenantConnectors tenant, long? tenantVersion = null, IReadOnlyList<ConnectorDiagnostic>? failedSave = null) => new(
        tenant.TenantId,
        tenant.Generation,
        tenant.PassUpdaterCount,
        [.. tenant.CustomerProviders.Order(StringComparer.Ordinal)],
        tenant.Connectors,
        [.. tenant.Diagnostics, .. failedSave ?? []],
        tenant.Worker,
        tenantVersion);
}
