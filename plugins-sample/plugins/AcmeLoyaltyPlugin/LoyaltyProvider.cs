namespace AcmeLoyaltyPlugin;

// Moved unchanged from plugins-sample/tenants/acme-typed/server/script/CrmSync.csx.
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
