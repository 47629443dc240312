using WalletCrew.Plugins.Host.Admin;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>The console's first page: per tenant its queue depth, oldest pending age, circuit and worker; and the last hour's throughput.</summary>
internal static class OverviewPage
{
    public static async Task<IResult> ShowAsync(
        ConsolePage page, ITenantRuntime tenants, IEventHistory store, IDeliveryInsights insights, ConnectorCircuits circuits, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var only = page.Viewer.Visible(null);
        var stats = (await store.GetQueueStatsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.TenantId);
        var loaded = tenants.Describe().ToDictionary(t => t.TenantId);
        var states = circuits.States();
        var ids = loaded.Keys.Union(stats.Keys).Where(id => only is null || id == only).Order(StringComparer.Ordinal).ToList();
        var since = now.AddMinutes(-ThroughputChart.Minutes);
        var throughput = await insights.GetThroughputAsync(only, since, cancellationToken).ConfigureAwait(false);

        var rows = Html.Join(ids.Select(id =>
        {
            stats.TryGetValue(id, out var s);
            var worker = loaded.TryGetValue(id, out var snapshot) ? WorkerView.From(snapshot.Worker) : null;
            var circuit = states.TryGetValue(id, out var state) ? state.ToString().ToLowerInvariant() : "closed";
            return Html.Of($"""
                <tr>
                  <th scope="row"><a href="{ConsoleRoutes.Deliveries}?tenantId={Uri.EscapeDataString(id)}">{id}</a></th>
                  <td class="num">{s?.Pending ?? 0}</td>
                  <td class="num">{(s is { Dead: > 0 } ? Html.Of($"""<a href="{ConsoleRoutes.DeadLetters}&tenantId={Uri.EscapeDataString(id)}">{s.Dead}</a>""") : Html.Of($"0"))}</td>
                  <td>{(s?.OldestPendingReceivedAt is { } oldest ? Html.Of($"""<span title="received {oldest.UtcDateTime:u}">{ConsoleTime.Age(now - oldest)}</span>""") : Html.Of($"—"))}</td>
                  <td><span class="badge circuit-{circuit}">{circuit}</span></td>
                  <td>{WorkerCell(worker, loaded.ContainsKey(id))}</td>
                </tr>
                """);
        }));

        return page.Render("Overview", Html.Of($"""
            <section aria-labelledby="queues">
              <h2 id="queues">Queues and workers</h2>
              <div class="scroll">
              <table>
                <thead><tr><th scope="col">Tenant</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Dead</th><th scope="col">Oldest pending</th><th scope="col">Circuit</th><th scope="col">Worker</th></tr></thead>
                <tbody>{(ids.Count == 0 ? Html.Of($"""<tr><td colspan="6" class="muted">No tenants.</td></tr>""") : rows)}</tbody>
              </table>
              </div>
            </section>
            <section aria-labelledby="throughput">
              <h2 id="throughput">Throughput, last hour</h2>
              {ThroughputChart.Render(throughput, since)}
            </section>
            """));
    }

    /// <summary>A sandboxed worker's state and why it last stopped; in-process tenants have none.</summary>
    public static Html WorkerCell(WorkerView? worker, bool loaded)
    {
        if (!loaded)
        {
            return Html.Of($"""<span class="muted">not loaded</span>""");
        }

        if (worker is null)
        {
            return Html.Of($"""<span class="muted">in-process</span>""");
        }

        var stop = worker.LastStop is null ? Html.Empty : Html.Of($""" <span class="muted">last stop: {worker.LastStop} {ConsoleTime.At(worker.LastStopAt)}</span>""");
        var running = worker.State switch
        {
            "running" => Html.Of($""" pid {worker.ProcessId}, {worker.InFlight} in flight"""),
            "starting" => Html.Of($""" pid {worker.ProcessId}"""),
            _ => Html.Empty,
        };
        return Html.Of($"""<span class="badge worker-{worker.State}">{worker.State}</span>{running}{stop}""");
    }
}
