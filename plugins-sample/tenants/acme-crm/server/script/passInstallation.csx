// "Custom Connector to call API when pass installation status change", ported from JavaScript.
// Tells the partner's CRM whenever a pass is installed in or removed from a wallet.
const string API_URL = "https://partner.example";

async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation additionalInformation)
{
    await onPassInstallationStatusChanged(passId, passType, identifiers, device, true);
}

async Task onPassUninstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation additionalInformation)
{
    await onPassInstallationStatusChanged(passId, passType, identifiers, device, false);
}

async Task onPassInstallationStatusChanged(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, bool isInstalled)
{
    var customerId = identifiers["customerId"]; // or any other external identifier
    var API_SECRET = await getSecret("PARTNER-API-SECRET");

    // fetch is not the browser's: PascalCase options and an object Body, as in the platform's JavaScript.
    await fetch(API_URL + "/wallet/installation", new
    {
        Method = "POST",
        Headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-API-KEY"] = API_SECRET,
        },
        Body = new { customerId, isInstalled, device },
        ThrowOnError = false,
    });
}

context.register("runtime.wallet.passUpdater", new
{
    OnPassInstalled = onPassInstalled,
    OnPassUninstalled = onPassUninstalled,
});
