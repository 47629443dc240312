using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Admin;

/// <summary>One tenant as the admin API shows it: generation, each connector's version, diagnostics (structured and in MSBuild form), its worker (sandbox only), and the stored tenant version it serves (null for a folder tenant).</summary>
internal sealed record ConnectorView(
    string TenantId,
    long Generation,
    int PassUpdaterCount,
    IReadOnlyList<string> CustomerProviders,
    bool HasErrors,
    IReadOnlyList<ConnectorVersionView> Connectors,
    IReadOnlyList<DiagnosticView> Diagnostics,
    WorkerView? Worker,
    long? TenantVersion)
{
    public static ConnectorView From(TenantSnapshot s) => new(
        s.TenantId, s.Generation, s.PassUpdaterCount, s.CustomerProviders, s.HasErrors,
        [.. s.Connectors.Select(c => new ConnectorVersionView(c.Path, c.Version, c.LoadedAt, c.PassUpdaters, c.CustomerProviders))],
        [.. s.Diagnostics.Select(DiagnosticView.From)],
        WorkerView.From(s.Worker),
        s.TenantVersion);
}
