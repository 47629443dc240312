using System.Net;
using System.Net.Http.Headers;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// One host with a key per scope (admin, platform, tenant:acme, tenant:globex) and two tenants, each with one delivered event
/// and one delivered email;
/// shared by the scope tests, which only read or are refused (the one admin replay leaves the others' answers unchanged).
/// </summary>
public sealed class ScopedHost : IAsyncLifetime
{
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string PlatformKey = "platform-key-0123456789abcdef";
    public const string AcmeKey = "acme-key-0123456789abcdef";
    public const string GlobexKey = "globex-key-0123456789abcdef";

    private TenantsRoot? _root;

    internal HostHarness Host { get; private set; } = null!;

    /// <summary>Gets each tenant's delivered event id.</summary>
    internal Dictionary<string, string> EventIds { get; } = [];

    /// <summary>Gets each tenant's delivered email id.</summary>
    internal Dictionary<string, string> EmailIds { get; } = [];

    public async Task InitializeAsync()
    {
        _root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook).WriteScript("globex", Scripts.RecordingHook);
        foreach (var tenant in new[] { "acme", "globex" })
        {
            _root.WriteScript(tenant, Scripts.LoggingEmailSender, "mailer.csx").WriteFile(tenant, "server/email/welcome.liquid", "Welcome\n<p>Hello</p>");
        }

        Host = await HostHarness.StartAsync(_root, new Dictionary<string, string?>
        {
            ["WalletCrew:ApiKeys:0"] = null,
            ["WalletCrew:ApiKeys:0:Key"] = AdminKey,
            ["WalletCrew:ApiKeys:0:Scopes:0"] = "admin",
            ["WalletCrew:ApiKeys:1:Key"] = PlatformKey,
            ["WalletCrew:ApiKeys:1:Scopes:0"] = "platform",
            ["WalletCrew:ApiKeys:2:Key"] = AcmeKey,
            ["WalletCrew:ApiKeys:2:Scopes:0"] = "tenant:acme",
            ["WalletCrew:ApiKeys:3:Key"] = GlobexKey,
            ["WalletCrew:ApiKeys:3:Scopes"] = "tenant:globex",
            ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok",
            ["WalletCrew:Tenants:globex:Secrets:MODE"] = "ok",
        });
        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformKey);
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var (status, body) = await Host.IngestAsync(tenant, "P-" + tenant);
            status.Should().Be(HttpStatusCode.Accepted);
            EventIds[tenant] = body["eventId"]!.GetValue<string>();
            (status, body) = await Host.PostRawAsync($"api/tenants/{tenant}/emails", """{"recipient":"ada@example.com","emailTemplate":"welcome"}""");
            status.Should().Be(HttpStatusCode.Accepted);
            EmailIds[tenant] = body["emailId"]!.GetValue<string>();
        }

        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        foreach (var (tenant, eventId) in EventIds)
        {
            await HostHarness.WaitUntilAsync(
                async () => (await Host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["status"]!.GetValue<string>() == "delivered",
                TimeSpan.FromSeconds(30), $"{tenant}'s event was delivered");
        }

        foreach (var (tenant, emailId) in EmailIds)
        {
            await HostHarness.WaitUntilAsync(
                async () => (await Host.GetJsonAsync($"api/admin/emails/{emailId}"))["status"]!.GetValue<string>() == "delivered",
                TimeSpan.FromSeconds(30), $"{tenant}'s email was delivered");
        }
    }

    /// <summary>Returns a client that sends <paramref name="key"/>.</summary>
    internal HttpClient ClientWith(string key)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _root?.Dispose();
    }
}
