using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>What a loaded tenant offers: its version, connectors and diagnostics, and the last version refused on reload.</summary>
internal sealed record TenantSnapshot(
    string TenantId,
    string Version,
    DateTimeOffset LoadedAt,
    int PassUpdaterCount,
    IReadOnlyList<string> CustomerProviders,
    IReadOnlyList<ConnectorDiagnostic> Diagnostics,
    string? RejectedVersion = null,
    IReadOnlyList<ConnectorDiagnostic>? RejectedDiagnostics = null)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
