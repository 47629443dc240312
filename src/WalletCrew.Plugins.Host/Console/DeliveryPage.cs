using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>One delivery: the event, each attempt from the tenant log (status, duration, error, the stored tenant version that handled it, what the connector wrote), the next retry, and replay.</summary>
internal static class DeliveryPage
{
    public static async Task<IResult> ShowAsync(string eventId, ConsolePage page, IEventHistory store, IDeliveryInsights insights, CancellationToken cancellationToken)
    {
        // The policy has already refused another tenant's event to a tenant key; an unknown id is 404 for everyone.
        if (await store.GetAsync(eventId, cancellationToken).ConfigureAwait(false) is not { } e)
        {
            return page.Render("Not found", Html.Of($"""<p>No event <code>{eventId}</code>. <a href="{ConsoleRoutes.Deliveries}">Back to deliveries</a></p>"""), StatusCodes.Status404NotFound);
        }

        var attempts = await insights.ReadAttemptsAsync(e.TenantId, e.EventId, cancellationToken).ConfigureAwait(false);
        var notice = page.Http.Request.Query["replay"].ToString() switch
        {
            "done" => Html.Of($"""<p class="notice" role="status" id="notice">Replayed: the event is pending again and will be delivered shortly.</p>"""),
            "pending" => Html.Of($"""<p class="notice" role="status" id="notice">The event is still pending; only delivered, dead or skipped events can be replayed.</p>"""),
            _ => Html.Empty,
        };
        var replay = page.Viewer.IsAdmin && e.Status != DeliveryStatus.Pending
            ? page.PostForm(ConsoleRoutes.ReplayOneOf(e.EventId), Html.Empty, "Replay this event")
            : Html.Empty;
        return page.Render($"Delivery {e.EventId}", Html.Of($"""
            {notice}
            <dl class="facts card">
              <dt>Status</dt><dd>{DeliveriesPage.StatusBadge(e.Status)}{Html.If(e.IsReplay, Html.Of($""" <span class="badge">replay</span>"""))}</dd>
              <dt>Tenant</dt><dd>{e.TenantId}</dd>
              <dt>Pass</dt><dd><a href="{ConsoleRoutes.PassOf(e.TenantId, e.PassId)}">{e.PassId}</a> (seq {e.Seq}, type {e.PassType}; its wallet registrations)</dd>
              <dt>Change</dt><dd>{(e.Installed ? "installed" : "uninstalled")} on {e.Device.ToString().ToLowerInvariant()} device <code>{e.DeviceId}</code></dd>
              <dt>Occurred</dt><dd>{ConsoleTime.At(e.OccurredAt)}</dd>
              <dt>Received</dt><dd>{ConsoleTime.At(e.ReceivedAt)}</dd>
              <dt>Attempts</dt><dd>{e.Attempts} ({e.Failures} failed since the last replay)</dd>
              <dt>{(e.Status == DeliveryStatus.Pending ? "Next attempt" : "Completed")}</dt><dd>{ConsoleTime.At(e.Status == DeliveryStatus.Pending ? e.NextAttemptAt : e.CompletedAt)}</dd>
              <dt>Last error</dt><dd class="error-text">{e.LastError ?? "—"}</dd>
            </dl>
            {replay}
            <h2>Attempts</h2>
            {(attempts.Count == 0 ? Html.Of($"""<p class="muted">No attempt has been logged yet.</p>""") : Html.Join(attempts.Select(Attempt)))}
            <p><a href="{ConsoleRoutes.Deliveries}?tenantId={Uri.EscapeDataString(e.TenantId)}">Back to {e.TenantId}'s deliveries</a></p>
            """));
    }

    public static async Task<IResult> ReplayAsync(string eventId, HttpContext http, IEventHistory store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var result = await store.ReplayAsync(eventId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result == ReplayResult.NotFound)
        {
            return ConsoleErrors.Page(http, StatusCodes.Status404NotFound, "Unknown event", $"No event '{eventId}'; nothing was replayed.");
        }

        signal.Notify();
        return Results.Redirect(ConsoleRoutes.DeliveryOf(eventId) + (result == ReplayResult.Replayed ? "?replay=done" : "?replay=pending"));
    }

    private static Html Attempt(TenantLogRecord a)
    {
        var lines = a.Entries.Count == 0
            ? Html.Of($"""<p class="muted">The connector wrote nothing.</p>""")
            : Html.Of($"""<pre class="log">{string.Join("\n", a.Entries.Select(l => $"{l.Level}: {l.Message}"))}</pre>""");
        return Html.Of($"""
            <details class="attempt card"{(a.Status is "delivered" or "skipped" ? Html.Empty : Html.Of($" open"))}>
              <summary>Attempt {a.Attempt?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"} · <span class="badge attempt-{a.Status}">{a.Status}</span> · {a.DurationMs} ms · {ConsoleTime.At(a.At)}{(a.TenantVersion is { } version ? Html.Of($" · tenant version {version}") : Html.Empty)}</summary>
              {Html.If(a.Error is not null, Html.Of($"""<p class="error-text">{a.Error}</p>"""))}
              <h3 class="visually-hidden">Tenant log</h3>
              {lines}
            </details>
            """);
    }
}
