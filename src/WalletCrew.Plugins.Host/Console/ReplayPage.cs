using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// Bulk replay scoped by the deliveries filters, in two steps: a preview that counts the events it would take ("N events
/// will be replayed") up to the moment of the preview, then the confirmed replay of exactly that range.
/// </summary>
internal static class ReplayPage
{
    public static async Task<IResult> PreviewAsync(ConsolePage page, IDeliveryInsights insights, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var filter = DeliveryFilter.Read(k => page.Http.Request.Query[k], page.Viewer, errors) with { After = null };
        if (errors.Count > 0)
        {
            return page.Render("Replay", Html.Join(errors.Select(e => Html.Of($"""<p class="error" role="alert">{e}</p>"""))), StatusCodes.Status400BadRequest);
        }

        // Counted up to now, and the confirmation replays up to the same instant: events received later are not in the count.
        filter = filter with { AsOf = time.GetUtcNow() };
        var count = await insights.CountReplayableAsync(filter.ToQuery(paged: false), cancellationToken).ConfigureAwait(false);
        var statuses = string.Join(", ", DeliveryListSql.Replayable(filter.Statuses).Select(s => s.ToName()));
        var scope = Html.Of($"""
            <ul class="scope">
              <li>Statuses: {statuses}{Html.If(filter.Statuses.Contains(DeliveryStatus.Pending), Html.Of($" (pending events are already on their way and are left alone)"))}</li>
              <li>Tenant: {filter.TenantId ?? "all tenants"}</li>
              <li>Pass: {filter.PassId ?? "all passes"}</li>
              <li>Received: from {(filter.From is { } f ? ConsoleTime.At(f) : Html.Of($"the start"))} up to {ConsoleTime.At(filter.ToQuery(paged: false).ReceivedBefore)}</li>
            </ul>
            """);
        var back = Html.Of($"""<a href="{ConsoleRoutes.Deliveries}{filter.QueryString()}">Back to the deliveries</a>""");
        return page.Render("Replay matching events", count == 0
            ? Html.Of($"""<p class="notice" role="status" id="replay-count">No event matches: nothing to replay.</p>{scope}<p>{back}</p>""")
            : Html.Of($"""
                <p class="warning" role="status" id="replay-count"><strong data-count="{count}">{count}</strong> event(s) will be replayed.</p>
                {scope}
                <p>Each becomes pending again with the same EventId and a fresh retry ladder, in pass order.</p>
                {page.PostForm(ConsoleRoutes.Replay, filter.HiddenFields(withAsOf: true), $"Replay {count} event(s)", "danger")}
                <p>{back}</p>
                """));
    }

    public static async Task<IResult> ReplayAsync(ConsolePage page, IEventHistory store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await page.Http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var errors = new List<string>();
        var filter = DeliveryFilter.Read(k => form[k], page.Viewer, errors);
        if (filter.AsOf is null)
        {
            errors.Add("asOf: missing; start from the preview, which fixes the range it counted.");
        }

        if (errors.Count > 0)
        {
            return page.Render("Replay", Html.Join(errors.Select(e => Html.Of($"""<p class="error" role="alert">{e}</p>"""))), StatusCodes.Status400BadRequest);
        }

        var query = filter.ToQuery(paged: false);
        var now = time.GetUtcNow();
        var replayed = 0;
        foreach (var status in DeliveryListSql.Replayable(filter.Statuses))
        {
            replayed += await store.ReplayAsync(
                new ReplayRange(query.TenantId, query.ReceivedFrom ?? DateTimeOffset.UnixEpoch, query.ReceivedBefore!.Value, status) { PassId = query.PassId },
                now, cancellationToken).ConfigureAwait(false);
        }

        signal.Notify();
        return Results.Redirect(ConsoleRoutes.Deliveries + filter.QueryString() + (filter.QueryString().Length == 0 ? "?" : "&") + "replayed=" + replayed);
    }
}
