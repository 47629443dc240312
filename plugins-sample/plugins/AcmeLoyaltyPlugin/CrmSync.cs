namespace AcmeLoyaltyPlugin;

// Moved unchanged from plugins-sample/tenants/acme-typed/server/script/CrmSync.csx.
sealed class CrmSync(IConnectorContext context) : IPassUpdater
{
    private const string ApiUrl = "https://partner.example";

    public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => SendAsync(e, true, cancellationToken);

    public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => SendAsync(e, false, cancellationToken);

    private async Task SendAsync(PassInstallationEvent e, bool isInstalled, CancellationToken cancellationToken)
    {
        var secret = await context.GetSecretAsync("PARTNER-API-SECRET", cancellationToken);
        await context.FetchAsync($"{ApiUrl}/wallet/installation", new FetchOptions
        {
            Method = "POST",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["X-API-KEY"] = secret,
                ["Idempotency-Key"] = e.EventId,
            },
            Body = new { customerId = e.Identifiers["customerId"], isInstalled, device = e.Device },
            ThrowOnError = false,
        }, cancellationToken);
        context.Log.LogInformation("Told the CRM that pass {PassId} is {State}", e.PassId, isInstalled ? "installed" : "uninstalled");
    }
}
