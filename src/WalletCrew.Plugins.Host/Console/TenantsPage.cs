using WalletCrew.Plugins.Host.Admin;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>Each tenant's connectors: version, load time and registrations, its diagnostics in MSBuild form, and its worker.</summary>
internal static class TenantsPage
{
    public static IResult Show(ConsolePage page, ITenantRuntime tenants)
    {
        var only = page.Viewer.Visible(null);
        var views = tenants.Describe().Where(t => only is null || t.TenantId == only).OrderBy(t => t.TenantId, StringComparer.Ordinal).Select(ConnectorView.From).ToList();
        var isolation = Html.Of($"""<p class="muted">Tenant code runs {tenants.Isolation.ToString().ToLowerInvariant()}{(tenants.IsolationWarning is { } w ? ": " + w : "")}.</p>""");
        var missing = tenants.SandboxLayers?.Warnings ?? [];
        var layers = Html.If(missing.Count > 0, Html.Of($"""<ul class="diagnostics">{Html.Join(missing.Select(m => Html.Of($"""<li class="diag-warning"><code>{m}</code></li>""")))}</ul>"""));
        return page.Render("Tenants", Html.Of($"""
            {isolation}
            {layers}
            {(views.Count == 0 ? Html.Of($"""<p class="muted">No tenant is loaded.</p>""") : Html.Join(views.Select(Tenant)))}
            """));
    }

    private static Html Tenant(ConnectorView t)
    {
        var connectors = Html.Join(t.Connectors.Select(c => Html.Of($"""
            <tr><td><code>{c.Path}</code></td><td><code title="{c.Version}">{Short(c.Version)}</code></td><td>{ConsoleTime.At(c.LoadedAt)}</td>
            <td class="num">{c.PassUpdaters}</td><td>{string.Join(", ", c.CustomerProviders)}</td></tr>
            """)));
        var diagnostics = t.Diagnostics.Count == 0
            ? Html.Of($"""<p class="muted">No diagnostics.</p>""")
            : Html.Of($"""<ul class="diagnostics">{Html.Join(t.Diagnostics.Select(d => Html.Of($"""<li class="diag-{d.Severity}"><code>{d.Text}</code></li>"""))) }</ul>""");
        return Html.Of($"""
            <section class="card" aria-labelledby="tenant-{t.TenantId}">
              <h2 id="tenant-{t.TenantId}">{t.TenantId} {(t.HasErrors ? Html.Of($"""<span class="badge bad">errors</span>""") : Html.Of($"""<span class="badge ok">loaded</span>"""))}</h2>
              <p>Generation {t.Generation} · {t.PassUpdaterCount} pass updater(s) · worker: {OverviewPage.WorkerCell(t.Worker, loaded: true)}
                 · <a href="{ConsoleRoutes.Deliveries}?tenantId={Uri.EscapeDataString(t.TenantId)}">deliveries</a>
                 · <a href="{ConsoleRoutes.DeviceLogsOf(t.TenantId)}">Apple device logs</a></p>
              <div class="scroll">
              <table>
                <thead><tr><th scope="col">Connector</th><th scope="col">Version</th><th scope="col">Loaded</th><th scope="col" class="num">Pass updaters</th><th scope="col">Customer providers</th></tr></thead>
                <tbody>{(t.Connectors.Count == 0 ? Html.Of($"""<tr><td colspan="5" class="muted">No connector is live.</td></tr>""") : connectors)}</tbody>
              </table>
              </div>
              <h3>Diagnostics</h3>
              {diagnostics}
            </section>
            """);
    }

    private static string Short(string version) => version.Length > 12 ? version[..12] : version;
}
