using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Console;

/// <summary>A console session names the key it was opened with and ends when a restarted host no longer has that key.</summary>
public sealed class ConsoleSessionTests : IDisposable
{
    private const string OldKey = "old-admin-key-0123456789abcdef";
    private const string NewKey = "new-admin-key-0123456789abcdef";

    private readonly TenantsRoot _root = new();

    [Fact]
    public async Task ASessionOutlivesARestartWithItsKeyButNotARestartWithoutIt()
    {
        Cookie session;
        await using (var first = await StartAsync(OldKey))
        {
            using var browser = new ConsoleClient(first.BaseAddress);
            (await browser.SignInAsync(OldKey)).StatusCode.Should().Be(HttpStatusCode.Redirect);
            session = browser.Cookies.GetCookies(new Uri(first.BaseAddress, "console")).Single(c => c.Name == "wcp-console");
        }

        var same = await VisitAsync(OldKey, session);
        var rotated = await VisitAsync(NewKey, session);

        same.Should().Be(HttpStatusCode.OK, "the key is still configured (control)");
        rotated.Should().Be(HttpStatusCode.Redirect, "the key was rotated out, so its session ends");
    }

    [Theory]
    [InlineData(true, "https", true)]
    [InlineData(true, null, false)]
    [InlineData(false, "https", false)]
    public async Task BehindATlsProxyWithForwardedHeadersOnTheSessionCookieIsSecure(bool forwardedHeaders, string? forwardedProto, bool secure)
    {
        await using var host = await StartAsync(OldKey, forwardedHeaders ? new() { ["FORWARDEDHEADERS_ENABLED"] = "true" } : null);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        if (forwardedProto is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        }

        // The browser's part by hand: the client keeps no cookie, since a cookie marked Secure never goes back over http.
        using var page = await client.GetAsync("console/sign-in");
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var form = new HttpRequestMessage(HttpMethod.Post, "console/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["key"] = OldKey,
                [ConsoleClient.TokenField] = ConsoleClient.TokenOf(await page.Content.ReadAsStringAsync()),
            }),
        };
        form.Headers.Add("Cookie", antiforgery);
        using var signedIn = await client.SendAsync(form);

        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("wcp-console=", StringComparison.Ordinal));
        session.Split(';').Select(p => p.Trim()).Contains("secure", StringComparer.OrdinalIgnoreCase).Should().Be(secure, session);
    }

    public void Dispose() => _root.Dispose();

    private Task<HostHarness> StartAsync(string adminKey, Dictionary<string, string?>? more = null) => HostHarness.StartAsync(_root, new Dictionary<string, string?>(more ?? [])
    {
        ["WalletCrew:ApiKeys:0"] = null,
        ["WalletCrew:ApiKeys:0:Key"] = adminKey,
        ["WalletCrew:ApiKeys:0:Scopes:0"] = "admin",
        // One key ring for the three hosts, as hosts behind one address share it.
        ["WalletCrew:Console:KeysDirectory"] = Path.Combine(_root.Base, "console-keys"),
    });

    private async Task<HttpStatusCode> VisitAsync(string adminKey, Cookie session)
    {
        await using var host = await StartAsync(adminKey);
        using var browser = new ConsoleClient(host.BaseAddress);
        browser.Cookies.Add(new Uri(host.BaseAddress, "console"), new Cookie(session.Name, session.Value, "/console"));
        var (response, _) = await browser.GetAsync("console/deliveries");
        return response.StatusCode;
    }
}
