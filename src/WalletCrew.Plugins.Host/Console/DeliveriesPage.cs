using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>Deliveries newest first, filtered by status, tenant, pass and receive time, a page at a time by keyset cursor.</summary>
internal static class DeliveriesPage
{
    public static async Task<IResult> ShowAsync(ConsolePage page, IEventHistory store, ITenantRuntime tenants, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var filter = DeliveryFilter.Read(k => page.Http.Request.Query[k], page.Viewer, errors);
        var rows = await store.ListAsync(filter.ToQuery(), cancellationToken).ConfigureAwait(false);
        var shown = rows.Take(DeliveryFilter.PageSize).ToList();
        var next = rows.Count > DeliveryFilter.PageSize ? DeliveryCursor.Of(shown[^1]) : null;
        var title = filter.Statuses is [DeliveryStatus.Dead] ? "Dead letters" : "Deliveries";
        return page.Render(title, Html.Of($"""
            {Notice(page)}
            {Html.Join(errors.Select(e => Html.Of($"""<p class="error" role="alert">{e}</p>""")))}
            {Filters(page, filter, tenants)}
            <div class="scroll">
            <table class="deliveries">
              <caption class="muted">{(filter.After is null ? "Newest first" : "Older page")} · {shown.Count} shown</caption>
              <thead><tr><th scope="col">Received</th><th scope="col">Tenant</th><th scope="col">Pass</th><th scope="col" class="num">Seq</th><th scope="col">Change</th>
                <th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th></tr></thead>
              <tbody>{(shown.Count == 0 ? Html.Of($"""<tr><td colspan="8" class="muted">No deliveries match these filters.</td></tr>""") : Html.Join(shown.Select(Row)))}</tbody>
            </table>
            </div>
            <p class="pager">
              {Html.If(filter.After is not null, Html.Of($"""<a href="{ConsoleRoutes.Deliveries}{filter.QueryString()}">First page</a>"""))}
              {(next is null ? Html.Of($"""<span class="muted">End of list</span>""") : Html.Of($"""<a rel="next" href="{ConsoleRoutes.Deliveries}{filter.QueryString(next)}">Next page</a>"""))}
            </p>
            {Html.If(page.Viewer.IsAdmin, Html.Of($"""
              <form method="get" action="{ConsoleRoutes.Replay}" class="card">
                {filter.HiddenFields(withAsOf: false)}
                <p>Replay every delivered, dead or skipped event these filters match (all pages); the next step shows how many.</p>
                <button type="submit">Replay matching events…</button>
              </form>
              """))}
            """));
    }

    public static Html StatusBadge(DeliveryStatus status) => Html.Of($"""<span class="badge status-{status.ToName()}">{status.ToName()}</span>""");

    private static Html Row(StoredEvent e) => Html.Of($"""
        <tr>
          <td data-label="Received">{ConsoleTime.At(e.ReceivedAt)}</td>
          <td data-label="Tenant">{e.TenantId}</td>
          <td data-label="Pass"><a href="{ConsoleRoutes.DeliveryOf(e.EventId)}">{e.PassId}</a></td>
          <td class="num" data-label="Seq">{e.Seq}</td>
          <td data-label="Change">{(e.Installed ? "installed" : "uninstalled")} · {e.Device.ToString().ToLowerInvariant()}</td>
          <td data-label="Status">{StatusBadge(e.Status)}{Html.If(e.IsReplay, Html.Of($""" <span class="badge">replay</span>"""))}</td>
          <td class="num" data-label="Attempts">{e.Attempts}</td>
          <td class="error-text" data-label="Last error">{Truncate(e.LastError)}</td>
        </tr>
        """);

    private static Html Filters(ConsolePage page, DeliveryFilter filter, ITenantRuntime tenants)
    {
        var statuses = Html.Join(Enum.GetValues<DeliveryStatus>().Select(s => Html.Of($"""
            <label class="check"><input type="checkbox" name="status" value="{s.ToName()}"{(filter.Statuses.Contains(s) ? Html.Of($" checked") : Html.Empty)}> {s.ToName()}</label>
            """)));
        var tenant = page.Viewer.IsAdmin
            ? Html.Of($"""
                <label for="f-tenant">Tenant</label>
                <select id="f-tenant" name="tenantId"><option value="">All tenants</option>
                {Html.Join(tenants.Describe().Select(t => t.TenantId).Append(filter.TenantId ?? "").Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal)
                    .Select(t => Html.Of($"""<option value="{t}"{(t == filter.TenantId ? Html.Of($" selected") : Html.Empty)}>{t}</option>""")))}
                </select>
                """)
            : Html.Of($"""<label for="f-tenant">Tenant</label><input id="f-tenant" value="{filter.TenantId}" readonly>""");
        return Html.Of($"""
            <form method="get" action="{ConsoleRoutes.Deliveries}" class="filters card" aria-label="Filters">
              <fieldset><legend>Status</legend>{statuses}</fieldset>
              <div>{tenant}</div>
              <div><label for="f-pass">Pass</label><input id="f-pass" name="passId" value="{filter.PassId}"></div>
              <div><label for="f-from">Received from (UTC)</label><input id="f-from" name="from" type="datetime-local" value="{(filter.From is { } f ? DeliveryFilter.Format(f) : null)}"></div>
              <div><label for="f-to">Received before (UTC)</label><input id="f-to" name="to" type="datetime-local" value="{(filter.To is { } t ? DeliveryFilter.Format(t) : null)}"></div>
              <div class="actions"><button type="submit">Apply filters</button> <a href="{ConsoleRoutes.Deliveries}">Clear</a></div>
            </form>
            """);
    }

    private static Html Notice(ConsolePage page) =>
        page.Http.Request.Query["replayed"].ToString() is { Length: > 0 } text && int.TryParse(text, out var count)
            ? Html.Of($"""<p class="notice" role="status" id="notice">{count} event(s) replayed: they are pending again and will be delivered shortly.</p>""")
            : Html.Empty;

    private static string? Truncate(string? text) => text is { Length: > 120 } ? text[..120] + "…" : text;
}
