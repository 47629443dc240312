using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using WalletCrew.Plugins.Console.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WalletCrew.Plugins.Console.Tests;

/// <summary>
/// The operator console in headless Chromium against a seeded host: sign in, see a delivered and a dead-lettered event,
/// open the attempts, bulk-replay with a preview count that matches, see the dead letter delivered once the partner
/// recovers; a tenant key held to its tenant; a form from another origin refused. Screenshots go to TestResults.
/// </summary>
public sealed class ConsoleBrowserTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    [Fact]
    public async Task AnOperatorFindsTheDeadLetterReadsItsAttemptsAndBulkReplaysItOnceThePartnerRecovers()
    {
        var page = await console.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await SignInAsync(page, SeededConsole.AdminKey);
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Should().Be("Skip to content", "the first Tab reaches the skip link");
        await Expect(page.Locator("table tbody tr", new() { HasText = "acme" })).ToContainTextAsync("1");
        await Expect(page.Locator("figure.chart svg")).ToBeVisibleAsync();
        await ShotAsync(page, "overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Deliveries", Exact = true }).ClickAsync();
        var delivered = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "P-ok", Exact = true }) });
        var dead = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "P-fail", Exact = true }) });
        await Expect(delivered.Locator(".status-delivered")).ToBeVisibleAsync();
        await Expect(dead.Locator(".status-dead")).ToBeVisibleAsync();
        var time = page.Locator("tbody time").First;
        (await time.GetAttributeAsync("title")).Should().EndWith(" UTC", "the hover shows UTC");
        await Expect(time).Not.ToHaveTextAsync(new Regex("UTC$"), new() { Timeout = 5000 });
        await ShotAsync(page, "deliveries");

        await dead.GetByRole(AriaRole.Link, new() { Name = "P-fail" }).ClickAsync();
        var attempts = page.Locator("details.attempt");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(0)).ToContainTextAsync("retry");
        await Expect(attempts.Nth(1)).ToContainTextAsync("dead");
        await Expect(attempts.Nth(1)).ToContainTextAsync("503");
        await ShotAsync(page, "attempts");

        await page.GotoAsync("console/deliveries");
        await page.GetByLabel("dead").CheckAsync();
        await page.GetByLabel("Tenant").SelectOptionAsync("acme");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("status=dead"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay matching events…" }).ClickAsync();
        var preview = int.Parse((await page.Locator("#replay-count strong").GetAttributeAsync("data-count"))!, CultureInfo.InvariantCulture);
        await Expect(page.Locator("#replay-count")).ToContainTextAsync($"{preview} event(s) will be replayed");
        await ShotAsync(page, "replay-preview");

        console.Partner.Handler = PartnerStub.Respond(200, "{}");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Replay {preview} event(s)" }).ClickAsync();
        var notice = await page.Locator("#notice").TextContentAsync();
        var replayed = int.Parse(Regex.Match(notice!, "(\\d+) event\\(s\\) replayed").Groups[1].Value, CultureInfo.InvariantCulture);

        preview.Should().Be(1, "acme has one dead letter");
        replayed.Should().Be(preview, "the confirmation replays what the preview counted");
        (await console.EventAsync(console.DeadId))!.IsReplay.Should().BeTrue();
        (await console.EventAsync(console.DeliveredId))!.IsReplay.Should().BeFalse("the filter took dead letters only");
        await page.GotoAsync($"console/deliveries/{console.DeadId}");
        await HostHarness.WaitUntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("dl.facts .status-delivered").CountAsync() == 1;
        }, TimeSpan.FromSeconds(30), "the console shows the replayed dead letter delivered");
        await ShotAsync(page, "replayed-delivered");
        await page.GotoAsync("console/tenants");
        await Expect(page.Locator("section.card")).ToHaveCountAsync(2);
        await ShotAsync(page, "tenants");

        var phone = await console.NewPageAsync(390, 844);
        await SignInAsync(phone, SeededConsole.AdminKey);
        await phone.GotoAsync("console/deliveries");
        await Expect(phone.GetByRole(AriaRole.Link, new() { Name = "P-fail", Exact = true })).ToBeVisibleAsync();
        await ShotAsync(phone, "deliveries-phone");
        violations.Should().BeEmpty("the console's pages need nothing the Content-Security-Policy forbids");
    }

    [Fact]
    public async Task ATenantKeySeesOnlyItsOwnTenantInThePagesAndInTheRequestsBehindThem()
    {
        var page = await console.NewPageAsync();
        await SignInAsync(page, SeededConsole.GlobexKey);

        await page.GotoAsync("console/deliveries");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "P-globex" })).ToBeVisibleAsync();
        var table = await page.Locator("table.deliveries").TextContentAsync();
        var otherPage = await page.GotoAsync($"console/deliveries/{console.DeadId}");
        var otherFilter = await page.APIRequest.GetAsync("console/deliveries?tenantId=acme");
        var ownPage = await page.APIRequest.GetAsync($"console/deliveries/{console.GlobexId}");
        var token = Regex.Match(await ownPage.TextAsync(), "name=\"__console\" value=\"([^\"]+)\"").Groups[1].Value;
        var replay = await page.APIRequest.PostAsync($"console/deliveries/{console.GlobexId}/replay", new() { Form = FormOf(page.APIRequest, ("__console", token)) });

        table.Should().Contain("P-globex").And.NotContain("P-ok").And.NotContain("P-fail");
        otherPage!.Status.Should().Be(403);
        otherFilter.Status.Should().Be(403);
        ownPage.Status.Should().Be(200);
        (await ownPage.TextAsync()).Should().NotContain("Replay this event", "a tenant key is shown no action");
        token.Should().NotBeEmpty("the sign-out form carries the session's token");
        replay.Status.Should().Be(403, "the replay endpoint refuses a tenant key even with a valid form token");
        (await console.EventAsync(console.GlobexId))!.IsReplay.Should().BeFalse();
        await page.GotoAsync("console/deliveries");
        await ShotAsync(page, "tenant-view");
    }

    [Fact]
    public async Task AFormPostedFromAnotherOriginIsRefusedWhileTheConsolesOwnFormWorks()
    {
        await using var attacker = await OtherOriginAsync(console.Host.BaseAddress + $"console/deliveries/{console.GlobexId}/replay");
        var page = await console.NewPageAsync();
        await SignInAsync(page, SeededConsole.AdminKey);

        await page.GotoAsync(attacker.Address);
        var forged = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#go"), r => r.Url.EndsWith("/replay", StringComparison.Ordinal));
        var afterForgery = await console.EventAsync(console.GlobexId);

        forged!.Status.Should().BeOneOf([400, 403], "a cross-origin form is refused");
        afterForgery!.IsReplay.Should().BeFalse("nothing changed");
        afterForgery.Status.Should().Be(DeliveryStatus.Delivered);

        await page.GotoAsync($"console/deliveries/{console.GlobexId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay this event" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Replayed");
        (await console.EventAsync(console.GlobexId))!.IsReplay.Should().BeTrue("the console's own form replays (control)");
        await console.WaitForAsync(console.GlobexId, DeliveryStatus.Delivered);
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        var signIn = await page.GotoAsync("console");
        signIn!.Url.Should().Contain("/console/sign-in", "an unauthenticated visit goes to the sign-in page");
        await page.Locator("#key").FocusAsync();
        await page.Keyboard.TypeAsync(key);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
    }

    private static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(SeededConsole.Screenshots, name + ".png"), FullPage = true });

    private static IFormData FormOf(IAPIRequestContext requests, params (string Name, string Value)[] fields)
    {
        var form = requests.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    /// <summary>A page on a second loopback origin with a form posting to <paramref name="target"/>, as a hostile site would.</summary>
    private static async Task<OtherOrigin> OtherOriginAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [Host.ConfigurationFiles.NoFolderWatch] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content($"""
            <!DOCTYPE html><html><body>
            <form method="post" action="{target}"><input type="hidden" name="__console" value="forged"><button id="go" type="submit">Win a prize</button></form>
            </body></html>
            """, "text/html"));
        await app.StartAsync();
        return new OtherOrigin(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private sealed record OtherOrigin(WebApplication App, string Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
