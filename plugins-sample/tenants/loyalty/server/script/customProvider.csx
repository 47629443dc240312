// "Custom connector": one script registers a customer provider (Fill) and the pass updater hooks.
const string API_URL = "https://loyalty.example";

// Reads the external identifier added when the pass was created, calls the loyalty API
// and maps its answer into the data merged into the pass.
async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, IReadOnlyDictionary<string, JsonElement> data)
{
    var customerId = identifiers["customerId"];
    var response = await fetch($"{API_URL}/customers/{customerId}", new
    {
        Method = "GET",
        Headers = new Dictionary<string, string> { ["X-API-KEY"] = await getSecret("LOYALTY-API-KEY") },
    });

    var customer = response.Json();
    return new
    {
        points = customer.GetProperty("points").GetInt32(),
        tier = customer.GetProperty("tier").GetString(),
    };
}

async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
{
    console.log($"Loyalty pass {passId} installed on {device}");
}

async Task onPassUninstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
{
    console.log($"Loyalty pass {passId} uninstalled from {device}");
}

context.register("runtime.scriptable.customerProvider.customProvider", new { Fill = fill });
context.register("runtime.wallet.passUpdater", new
{
    OnPassInstalled = onPassInstalled,
    OnPassUninstalled = onPassUninstalled,
});
