using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>What a tenant's Apple devices reported to its web service (<c>POST …/v1/log</c>), newest first.</summary>
internal static class DeviceLogsPage
{
    public const int Limit = 200;

    public static async Task<IResult> ShowAsync(string tenantId, ConsolePage page, IWalletStore wallets, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return ConsoleErrors.Page(page.Http, StatusCodes.Status404NotFound, "Unknown tenant", $"'{tenantId}' is not a tenant id.");
        }

        var entries = await wallets.ReadDeviceLogsAsync(tenantId, Limit, cancellationToken).ConfigureAwait(false);
        var rows = Html.Join(entries.Select(e => Html.Of($"""<tr><td data-label="At">{ConsoleTime.At(e.At)}</td><td data-label="Message"><code>{e.Message}</code></td></tr>""")));
        return page.Render($"Apple device logs · {tenantId}", Html.Of($"""
            <p class="muted">The newest {Limit} messages Apple devices sent to this tenant's web service.</p>
            <div class="scroll">
            <table class="deliveries">
              <thead><tr><th scope="col">At</th><th scope="col">Message</th></tr></thead>
              <tbody>{(entries.Count == 0 ? Html.Of($"""<tr><td colspan="2" class="muted">No device has reported anything.</td></tr>""") : rows)}</tbody>
            </table>
            </div>
            <p><a href="{ConsoleRoutes.Tenants}">Back to the tenants</a></p>
            """));
    }
}
