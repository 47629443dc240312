// The documentation's minimal example, for testing or logging only: the hooks declare four of the five parameters.
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
