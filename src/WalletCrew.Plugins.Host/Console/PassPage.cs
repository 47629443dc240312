using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>One pass of a tenant: its wallet registrations (Apple devices and Google saves), current and past, and its deliveries.</summary>
internal static class PassPage
{
    public static async Task<IResult> ShowAsync(string tenantId, string passId, ConsolePage page, IWalletStore wallets, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return ConsoleErrors.Page(page.Http, StatusCodes.Status404NotFound, "Unknown tenant", $"'{tenantId}' is not a tenant id.");
        }

        var registrations = await wallets.ListRegistrationsAsync(tenantId, passId, cancellationToken).ConfigureAwait(false);
        var active = registrations.Count(r => r.UnregisteredAt is null);
        var rows = Html.Join(registrations.Select(r => Html.Of($"""
            <tr><td data-label="Wallet">{r.Device}</td><td data-label="Device"><code>{r.DeviceId}</code></td>
            <td data-label="Registered">{ConsoleTime.At(r.RegisteredAt)}</td>
            <td data-label="Unregistered">{(r.UnregisteredAt is { } at ? ConsoleTime.At(at) : Html.Of($"""<span class="badge ok">active</span>"""))}</td>
            <td data-label="Install event"><a href="{ConsoleRoutes.DeliveryOf(r.InstallEventId)}">{r.InstallEventId}</a></td></tr>
            """)));
        return page.Render($"Pass {passId} · {tenantId}", Html.Of($"""
            <p class="muted">{active} active registration(s), {registrations.Count} ever (Apple devices and Google saves).</p>
            <div class="scroll">
            <table class="deliveries">
              <thead><tr><th scope="col">Wallet</th><th scope="col">Device</th><th scope="col">Registered</th><th scope="col">Unregistered</th><th scope="col">Install event</th></tr></thead>
              <tbody>{(registrations.Count == 0 ? Html.Of($"""<tr><td colspan="5" class="muted">No wallet has registered this pass.</td></tr>""") : rows)}</tbody>
            </table>
            </div>
            <p><a href="{ConsoleRoutes.Deliveries}?tenantId={Uri.EscapeDataString(tenantId)}&amp;passId={Uri.EscapeDataString(passId)}">This pass's deliveries</a></p>
            """));
    }
}
