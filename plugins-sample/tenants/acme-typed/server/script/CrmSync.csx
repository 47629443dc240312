// The same connectors as acme-crm and loyalty, in typed C#. Typed classes take the IConnectorContext in their
// constructor, so they move unchanged into a plugin assembly's IConnectorModule.Register.
Context.Register(RegistrationKeys.PassUpdater, new CrmSync(Context));
Context.Register(RegistrationKeys.CustomerProvider("customProvider"), new LoyaltyProvider(Context));

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

sealed class LoyaltyProvider(IConnectorContext context) : ICustomerProvider
{
    private const string ApiUrl = "https://loyalty.example";

    public async Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken)
    {
        var response = await context.FetchAsync($"{ApiUrl}/customers/{request.Identifiers["customerId"]}", new FetchOptions
        {
            Headers = new Dictionary<string, string> { ["X-API-KEY"] = await context.GetSecretAsync("LOYALTY-API-KEY", cancellationToken) },
        }, cancellationToken);

        var customer = response.Json();
        return new FillResult(new JsonObject
        {
            ["points"] = customer.GetProperty("points").GetInt32(),
            ["tier"] = customer.GetProperty("tier").GetString(),
        });
    }
}
