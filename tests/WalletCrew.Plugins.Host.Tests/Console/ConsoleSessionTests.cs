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

    public void Dispose() => _root.Dispose();

    private Task<HostHarness> StartAsync(string adminKey) => HostHarness.StartAsync(_root, new Dictionary<string, string?>
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
