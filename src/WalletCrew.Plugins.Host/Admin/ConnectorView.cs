using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Admin;

/// <summary>One tenant as the admin API shows it: version, connectors, diagnostics (structured and in MSBuild form).</summary>
internal sealed record ConnectorView(
    string TenantId,
    string Version,
    DateTimeOffset LoadedAt,
    int PassUpdaterCount,
    IReadOnlyList<string> CustomerProviders,
    bool HasErrors,
    IReadOnlyList<DiagnosticView> Diagnostics,
    string? RejectedVersion,
    IReadOnlyList<DiagnosticView> RejectedDiagnostics)
{
    public static ConnectorView From(TenantSnapshot s) => new(
        s.TenantId, s.Version, s.LoadedAt, s.PassUpdaterCount, s.CustomerProviders, s.HasErrors,
        [.. s.Diagnostics.Select(DiagnosticView.From)], s.RejectedVersion, [.. (s.RejectedDiagnostics ?? []).Select(DiagnosticView.From)]);
}
