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

    [Fact]
    public async Task APassPageShowsItsWalletRegistrationsAndTheDeliveryLinksToIt()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" });
        await Wallets.AppleWebServiceTests.PutPassAsync(host, "P1", "S1");
        await Wallets.AppleWebServiceTests.PutPassAsync(host, "P2", "S2");
        using (var registered = await Wallets.AppleWebServiceTests.RegisterAsync(host, "S1", "iphone-1"))
        {
            registered.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var console = new ConsoleClient(host.BaseAddress);
        (await console.SignInAsync(HostHarness.ApiKey)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var (response, pass) = await console.GetAsync("console/tenants/acme/passes/P1");
        var (_, unregistered) = await console.GetAsync("console/tenants/acme/passes/P2");
        var eventId = (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme&passId=P1")).AsArray().Single()!["eventId"]!.GetValue<string>();
        var (_, delivery) = await console.GetAsync($"console/deliveries/{eventId}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        pass.Should().Contain("<code>iphone-1</code>").And.Contain("1 active registration(s), 1 ever").And.Contain(eventId);
        unregistered.Should().Contain("No wallet has registered this pass.", "control: another pass of the same tenant shows none");
        delivery.Should().Contain("href=\"/console/tenants/acme/passes/P1\"");
    }
}
