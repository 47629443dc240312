// Runs when a pass is installed in or removed from Apple or Google Wallet.
// Check it with `wcp check <tenantDir>`; try it with `wcp invoke <tenantDir> installed --pass-id P1 --pass-type loyalty --device apple`.

async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
{
    console.log($"Pass {passId} installed on {device}");
}

async Task onPassUninstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
{
    console.log($"Pass {passId} uninstalled from {device}");
}

context.register("runtime.wallet.passUpdater", new
{
    OnPassInstalled = onPassInstalled,
    OnPassUninstalled = onPassUninstalled,
});
