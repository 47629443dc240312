using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Console;

/// <summary>
/// The operator console over real Kestrel: sign-in by cookie, a tenant key held to its own tenant and to reading, every
/// form refused without the page's antiforgery token or from another origin, and the security headers on every answer.
/// </summary>
public sealed class ConsoleSecurityTests(ScopedHost scoped) : IClassFixture<ScopedHost>
{
    private string Acme => scoped.EventIds["acme"];

    private string Globex => scoped.EventIds["globex"];

    [Fact]
    public async Task APageWithoutSignInRedirectsToTheSignInPageAndAnApiKeyHeaderDoesNotSignIn()
    {
        using var anonymous = new ConsoleClient(scoped.Host.BaseAddress);
        var (response, _) = await anonymous.GetAsync("console/deliveries");

        using var bearer = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = scoped.Host.BaseAddress };
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScopedHost.AdminKey);
        using var withHeader = await bearer.GetAsync("console/deliveries");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        ConsoleClient.RedirectOf(response).Should().StartWith("/console/sign-in?returnUrl=%2Fconsole%2Fdeliveries");
        withHeader.StatusCode.Should().Be(HttpStatusCode.Redirect, "the console reads its cookie only; an admin Bearer key is for the API");
    }

    [Fact]
    public async Task SignInAcceptsAdminAndTenantKeysOnlyAndTheCookieHoldsNoKey()
    {
        using var unknown = new ConsoleClient(scoped.Host.BaseAddress);
        using var platform = new ConsoleClient(scoped.Host.BaseAddress);
        using var admin = new ConsoleClient(scoped.Host.BaseAddress);

        using var refused = await unknown.SignInAsync("not-a-key-0123456789abcdef");
        using var platformOnly = await platform.SignInAsync(ScopedHost.PlatformKey);
        using var signedIn = await admin.SignInAsync(ScopedHost.AdminKey);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        platformOnly.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await platformOnly.Content.ReadAsStringAsync()).Should().Contain("neither the &#x27;admin&#x27; scope");
        SessionCookie(unknown).Should().BeNull();
        SessionCookie(platform).Should().BeNull();
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wcp-console=", StringComparison.Ordinal));
        setCookie.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("path=/console");
        setCookie.Should().NotContain(ScopedHost.AdminKey);
        (await admin.GetAsync("console")).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        using var signOut = await admin.PostFromAsync("console", "console/sign-out");
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetAsync("console")).Response.StatusCode.Should().Be(HttpStatusCode.Redirect, "signed out");
    }

    [Fact]
    public async Task ATenantKeySeesOnlyItsOwnTenant()
    {
        using var acme = await SignedInAsync(ScopedHost.AcmeKey);

        var (list, listHtml) = await acme.GetAsync("console/deliveries");
        var (own, _) = await acme.GetAsync($"console/deliveries/{Acme}");
        var (other, otherHtml) = await acme.GetAsync($"console/deliveries/{Globex}");
        var (otherFilter, _) = await acme.GetAsync("console/deliveries?tenantId=globex");
        var (_, tenantsHtml) = await acme.GetAsync("console/tenants");
        var (ownDeviceLogs, _) = await acme.GetAsync("console/tenants/acme/device-logs");
        var (otherDeviceLogs, _) = await acme.GetAsync("console/tenants/globex/device-logs");
        var (ownPass, _) = await acme.GetAsync("console/tenants/acme/passes/P1");
        var (otherPass, _) = await acme.GetAsync("console/tenants/globex/passes/P1");
        var (_, overviewHtml) = await acme.GetAsync("console");

        list.StatusCode.Should().Be(HttpStatusCode.OK);
        listHtml.Should().Contain(Acme).And.NotContain(Globex).And.NotContain(">globex<");
        own.StatusCode.Should().Be(HttpStatusCode.OK);
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        otherHtml.Should().Contain("Not for this key").And.NotContain("globex", "the refusal does not say whose event it is");
        otherFilter.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        tenantsHtml.Should().Contain("acme").And.NotContain("globex");
        ownDeviceLogs.StatusCode.Should().Be(HttpStatusCode.OK);
        otherDeviceLogs.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ownPass.StatusCode.Should().Be(HttpStatusCode.OK);
        otherPass.StatusCode.Should().Be(HttpStatusCode.Forbidden, "another tenant's pass and its registrations");
        overviewHtml.Should().Contain("acme").And.NotContain("globex");
    }

    [Fact]
    public async Task ATenantKeyHasNoReplayButtonAndItsReplayPostsAreRefusedWithNothingChanged()
    {
        using var acme = await SignedInAsync(ScopedHost.AcmeKey);
        var before = await EventAsync(Acme);

        var (_, page) = await acme.GetAsync($"console/deliveries/{Acme}");
        var (_, list) = await acme.GetAsync("console/deliveries");
        using var one = await acme.PostAsync($"console/deliveries/{Acme}/replay", new() { [ConsoleClient.TokenField] = ConsoleClient.TokenOf(page) });
        var (preview, _) = await acme.GetAsync("console/replay?tenantId=acme&status=delivered");
        using var bulk = await acme.PostAsync("console/replay", new()
        {
            [ConsoleClient.TokenField] = ConsoleClient.TokenOf(page), ["tenantId"] = "acme", ["status"] = "delivered", ["asOf"] = "99999999999999",
        });

        page.Should().NotContain("/replay\"", "a tenant key sees no replay form");
        list.Should().NotContain("console/replay");
        one.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        preview.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        bulk.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await EventAsync(Acme)).Should().BeEquivalentTo(before, "nothing changed");
    }

    [Fact]
    public async Task AFormWithoutTheTokenOrFromAnotherOriginChangesNothingAndTheRealFormReplays()
    {
        using var admin = await SignedInAsync(ScopedHost.AdminKey);
        await WaitDeliveredAsync(Globex);
        var before = await EventAsync(Globex);

        using var noToken = await admin.PostAsync($"console/deliveries/{Globex}/replay", []);
        using var crossOrigin = await admin.PostFromAsync($"console/deliveries/{Globex}", $"console/deliveries/{Globex}/replay", origin: "http://127.0.0.1:1");
        using var otherSession = new ConsoleClient(scoped.Host.BaseAddress);
        var (_, anonymousPage) = await otherSession.GetAsync("console/sign-in");
        using var foreignToken = await admin.PostAsync($"console/deliveries/{Globex}/replay", new() { [ConsoleClient.TokenField] = ConsoleClient.TokenOf(anonymousPage) });
        var unchanged = await EventAsync(Globex);

        using var real = await admin.PostFromAsync($"console/deliveries/{Globex}", $"console/deliveries/{Globex}/replay");

        noToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        crossOrigin.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        foreignToken.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a token of another session is not this session's");
        unchanged.Should().BeEquivalentTo(before);
        real.StatusCode.Should().Be(HttpStatusCode.Redirect, "the same form with its token replays (control)");
        ConsoleClient.RedirectOf(real).Should().Be($"/console/deliveries/{Globex}?replay=done");
        (await EventAsync(Globex))!.IsReplay.Should().BeTrue();
        await WaitDeliveredAsync(Globex);
    }

    [Fact]
    public async Task TheBulkReplayPreviewCountsWhatTheConfirmationReplays()
    {
        using var admin = await SignedInAsync(ScopedHost.AdminKey);
        await WaitDeliveredAsync(Globex);

        var (preview, html) = await admin.GetAsync("console/replay?tenantId=globex&status=delivered&status=dead");
        var counted = int.Parse(Regex.Match(html, "data-count=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var form = Regex.Match(html, "<form method=\"post\" action=\"/console/replay\".*?</form>", RegexOptions.Singleline).Value;
        var fields = Regex.Matches(form, "<input type=\"hidden\" name=\"(\\w+)\" value=\"([^\"]*)\">")
            .Select(m => KeyValuePair.Create(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        using var confirmed = await admin.PostAsync("console/replay", fields);

        preview.StatusCode.Should().Be(HttpStatusCode.OK);
        counted.Should().Be(1, "globex has one delivered event");
        fields.Select(f => f.Key).Should().Contain(["tenantId", "status", "asOf", ConsoleClient.TokenField]);
        confirmed.StatusCode.Should().Be(HttpStatusCode.Redirect, await confirmed.Content.ReadAsStringAsync());
        ConsoleClient.RedirectOf(confirmed).Should().EndWith($"replayed={counted}");
        await WaitDeliveredAsync(Globex);
        (await EventAsync(Acme))!.IsReplay.Should().BeFalse("the filter named globex only");
    }

    [Fact]
    public async Task EveryConsoleAnswerCarriesTheSecurityHeadersAndNoPageHasInlineScriptOrStyle()
    {
        using var admin = await SignedInAsync(ScopedHost.AdminKey);
        using var anonymous = new ConsoleClient(scoped.Host.BaseAddress);
        var answers = new List<(HttpResponseMessage Response, string Html)>
        {
            await anonymous.GetAsync("console/sign-in"),
            await anonymous.GetAsync("console/assets/console.css"),
            await admin.GetAsync("console"),
            await admin.GetAsync("console/tenants"),
            await admin.GetAsync("console/deliveries"),
            await admin.GetAsync($"console/deliveries/{Acme}"),
            await admin.GetAsync("console/replay?tenantId=acme"),
            await admin.GetAsync("console/tenants/acme/device-logs"),
        };

        foreach (var (response, html) in answers)
        {
            var path = response.RequestMessage!.RequestUri!.PathAndQuery;
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("style-src 'self'").And.Contain("frame-ancestors 'none'", path);
            csp.Should().NotContain("unsafe-inline");
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            response.Headers.GetValues("Referrer-Policy").Should().Equal("same-origin");
            if (response.Content.Headers.ContentType!.MediaType == "text/html")
            {
                Regex.IsMatch(html, "<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase).Should().BeFalse($"{path} has no inline script");
                Regex.IsMatch(html, "\\sstyle=|<style", RegexOptions.IgnoreCase).Should().BeFalse($"{path} has no inline style");
                Regex.IsMatch(html, "\\son[a-z]+=", RegexOptions.IgnoreCase).Should().BeFalse($"{path} has no event handler attribute");
            }
        }
    }

    [Fact]
    public async Task WhatDevicesAndConnectorsWriteIsShownAsTextNeverAsMarkup()
    {
        using var admin = await SignedInAsync(ScopedHost.AdminKey);
        var wallets = scoped.Host.Services.GetRequiredService<IWalletStore>();
        await wallets.AppendDeviceLogsAsync("acme", DateTimeOffset.UtcNow, ["<script src=//evil.example/x.js></script><img src=x onerror=alert(1)>"], 100, CancellationToken.None);

        var (response, html) = await admin.GetAsync("console/tenants/acme/device-logs");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("&lt;script src=//evil.example/x.js&gt;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
        html.Should().NotContain("evil.example/x.js></script>").And.NotContain("<img");
    }

    private async Task<ConsoleClient> SignedInAsync(string key)
    {
        var client = new ConsoleClient(scoped.Host.BaseAddress);
        using var response = await client.SignInAsync(key);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the key signs in");
        return client;
    }

    private Cookie? SessionCookie(ConsoleClient client) =>
        client.Cookies.GetCookies(new Uri(scoped.Host.BaseAddress, "console")).FirstOrDefault(c => c.Name == "wcp-console");

    private Task<StoredEvent?> EventAsync(string eventId) =>
        scoped.Host.Services.GetRequiredService<IEventStore>().GetAsync(eventId, CancellationToken.None);

    private Task WaitDeliveredAsync(string eventId) => HostHarness.WaitUntilAsync(
        async () => (await EventAsync(eventId))!.Status == DeliveryStatus.Delivered, TimeSpan.FromSeconds(30), $"{eventId} is delivered");
}
