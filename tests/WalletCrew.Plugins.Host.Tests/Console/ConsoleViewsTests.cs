using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Console;

/// <summary>What the console shows of a sandboxed host: each tenant's worker state, and a broken connector's diagnostics in MSBuild form.</summary>
public sealed class ConsoleViewsTests
{
    [Fact]
    public async Task TheOverviewShowsEachSandboxedWorkerAndTheTenantsPageShowsDiagnosticsInMsBuildForm()
    {
        using var root = new TenantsRoot().WriteScript("good", Scripts.RecordingHook).WriteScript("broken", "Context.Register(RegistrationKeys.PassUpdater, new { OnPassInstalled = 42 ");
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:Isolation"] = "sandbox",
            ["WalletCrew:Tenants:good:Secrets:MODE"] = "ok",
        });
        var (status, body) = await host.IngestAsync("good", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("good")).Count == 1, TimeSpan.FromSeconds(60), "the sandboxed hook delivered");

        using var console = new ConsoleClient(host.BaseAddress);
        (await console.SignInAsync(HostHarness.ApiKey)).StatusCode.Should().Be(HttpStatusCode.Redirect, "a plain key is platform and admin");
        var (_, overview) = await console.GetAsync("console");
        var (_, tenants) = await console.GetAsync("console/tenants");

        overview.Should().MatchRegex("<th scope=\"row\"><a [^>]*>good</a></th>(?s:.)*?<span class=\"badge worker-(running|stopped)\">(running|stopped)</span>",
            "the worker that delivered is running, or stopped with its reason once idle");
        tenants.Should().Contain("Tenant code runs sandbox");
        tenants.Should().MatchRegex("server/script/connector\\.csx\\(1,\\d+\\): error CS\\d{4}: ", "a diagnostic in MSBuild form with file, line and column");
        tenants.Should().Contain("badge bad\">errors<");
    }
}
