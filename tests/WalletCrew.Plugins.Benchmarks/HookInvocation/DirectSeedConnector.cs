using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>
/// The seed example's logic written by hand in C# and called directly: the same secret source and the same
/// <see cref="FetchClient"/> (over the same in-memory handler) as the engine's rows, with no engine in between.
/// </summary>
internal sealed class DirectSeedConnector(string tenantId, FetchClient fetch, ISecretSource secrets)
{
    private const string ApiUrl = "https://partner.example";

    public Task OnPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation additionalInformation) =>
        OnPassInstallationStatusChanged(identifiers, device, true);

    private async Task OnPassInstallationStatusChanged(IReadOnlyDictionary<string, string> identifiers, string device, bool isInstalled)
    {
        var customerId = identifiers["customerId"];
        var apiSecret = await secrets.GetSecretAsync(tenantId, "PARTNER-API-SECRET", CancellationToken.None).ConfigureAwait(false)
            ?? throw new KeyNotFoundException("PARTNER-API-SECRET");
        await fetch.FetchAsync(ApiUrl + "/wallet/installation", new
        {
            Method = "POST",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["X-API-KEY"] = apiSecret,
            },
            Body = new { customerId, isInstalled, device },
            ThrowOnError = false,
        }, CancellationToken.None).ConfigureAwait(false);
    }
}
