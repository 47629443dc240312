using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Tenants;

public sealed class HotReloadTests
{
    private const string Hello = """context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Action<string>)(passId => console.log("v1 " + passId)) });""";

    [Fact]
    public async Task ATenantFolderAddedWhileRunningIsLoadedAndServes()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Engine:HotReload"] = "true" });
        (await host.IngestAsync("late", "P1")).Status.Should().Be(HttpStatusCode.NotFound, "the tenant does not exist yet (control)");

        root.WriteScript("late", Hello);

        await HostHarness.WaitUntilAsync(async () => (await host.IngestAsync("late", "P1")).Status == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(30), "the new tenant is loaded");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/late/logs")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "its hook ran");
    }

    [Fact]
    public async Task ASavedScriptChangesTheHookAndABrokenSaveKeepsTheWorkingVersion()
    {
        using var root = new TenantsRoot().WriteScript("acme", Hello);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Engine:HotReload"] = "true" });

        root.WriteScript("acme", Hello.Replace("v1 ", "v2 ", StringComparison.Ordinal));
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/connectors"))[0]!["generation"]!.GetValue<long>() >= 2,
            TimeSpan.FromSeconds(30), "the saved version is live");
        root.WriteScript("acme", "this is not C#");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/connectors"))[0]!["hasErrors"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(30), "the broken save is reported");
        await host.IngestAsync("acme", "P1");

        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the hook ran");
        var log = await host.GetJsonAsync("api/admin/tenants/acme/logs");
        log[0]!["entries"]![0]!["message"]!.GetValue<string>().Should().Be("v2 P1", "the last working version serves");
    }
}
