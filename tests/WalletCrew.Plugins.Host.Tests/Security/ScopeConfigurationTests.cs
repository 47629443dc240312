using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Security;

public sealed class ScopeConfigurationTests
{
    [Fact]
    public async Task SingleValueKeyStillOpensIngestAndAdminAndWarnsToScopeIt()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var logs = new RecordingLoggerProvider();
        await using var host = await HostHarness.StartAsync(
            root,
            new Dictionary<string, string?> { ["WalletCrew:ApiKeys:0"] = null, ["WalletCrew:ApiKeys"] = HostHarness.ApiKey, ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));

        var (ingest, _) = await host.IngestAsync("acme", "P1");
        using var admin = await host.Client.GetAsync("api/admin/tenants/acme/logs");

        ingest.Should().Be(HttpStatusCode.Accepted);
        admin.StatusCode.Should().Be(HttpStatusCode.OK);
        logs.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).Should().Equal(
            "WalletCrew:ApiKeys has no scopes, so it is accepted as 'platform' and 'admin' (ingest, Fill and the whole admin API). "
            + "Give each caller a key with only the scopes it needs: set WalletCrew:ApiKeys:0:Key to the key and WalletCrew:ApiKeys:0:Scopes:0 to platform, admin, tenant:{tenantId} or tenant-files:{tenantId} (docs/operations.md, \"Keys and scopes\").");
    }

    [Fact]
    public async Task PlainKeysSideBySideWithScopedKeysWarnOnlyForThePlainOnes()
    {
        using var root = new TenantsRoot();
        var logs = new RecordingLoggerProvider();
        await using var host = await HostHarness.StartAsync(
            root,
            new Dictionary<string, string?> { ["WalletCrew:ApiKeys:1:Key"] = "scoped-key-0123456789abcdef", ["WalletCrew:ApiKeys:1:Scopes:0"] = "tenant:acme" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var scoped = new HttpClient { BaseAddress = host.BaseAddress };
        scoped.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scoped-key-0123456789abcdef");

        using var plain = await host.Client.GetAsync("api/admin/zombies");
        using var tenant = await scoped.GetAsync("api/admin/zombies");

        plain.StatusCode.Should().Be(HttpStatusCode.OK);
        tenant.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        logs.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).Should().ContainSingle()
            .Which.Should().StartWith("WalletCrew:ApiKeys:0 has no scopes, so it is accepted as 'platform' and 'admin'");
    }

    [Fact]
    public async Task BadScopedKeysStopTheStartNamingEachSetting()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:ApiKeys:1:Key"] = "",
            ["WalletCrew:ApiKeys:1:Scopes:0"] = "plattform",
            ["WalletCrew:ApiKeys:2:Key"] = "tenant-key-0123456789abcdef",
            ["WalletCrew:ApiKeys:2:Scopes:0"] = "tenant:Acme Corp",
            ["WalletCrew:ApiKeys:3:Key"] = "other-key-0123456789abcdef",
            ["WalletCrew:ApiKeys:3:Scope"] = "admin",
            ["WalletCrew:ApiKeys:4:Scopes:0"] = "admin",
            ["WalletCrew:ApiKeys:5:Key"] = HostHarness.ApiKey,
            ["WalletCrew:ApiKeys:5:Scopes"] = "tenant:acme, tenant-files:globex",
            ["WalletCrew:ApiKeys:6:Key"] = "globex-key-0123456789abcdef",
            ["WalletCrew:ApiKeys:6:Scopes"] = "tenant:globex, tenant-files:globex",
            ["WalletCrew:ApiKeys:7:Key"] = "ci-key-0123456789abcdef",
            ["WalletCrew:ApiKeys:7:Scopes:0"] = "tenant_files:acme",
        });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Equal(
            "WalletCrew:ApiKeys:1:Key is 0 characters long; use at least 16.",
            "WalletCrew:ApiKeys:1:Scopes:0 ('plattform') is not a scope: use platform, admin, tenant:{tenantId} or tenant-files:{tenantId} (did you mean 'platform'?).",
            "WalletCrew:ApiKeys:2:Scopes:0 ('tenant:Acme Corp') names no valid tenant: 'Acme Corp' is not a valid tenant id: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit.",
            "WalletCrew:ApiKeys:3:Scope is not a setting of an API key: use Key and Scopes.",
            "WalletCrew:ApiKeys:3:Scopes is missing: list what the key may do, one or more of platform, admin, tenant:{tenantId} or tenant-files:{tenantId}.",
            "WalletCrew:ApiKeys:4:Key is missing: set it to the key itself, a random secret of at least 16 characters.",
            "WalletCrew:ApiKeys:5:Key repeats the key of WalletCrew:ApiKeys:0; configure each key once, with all its scopes.",
            "WalletCrew:ApiKeys:5:Scopes names more than one tenant (tenant:acme, tenant-files:globex); give each tenant its own key.",
            "WalletCrew:ApiKeys:7:Scopes:0 ('tenant_files:acme') is not a scope: use platform, admin, tenant:{tenantId} or tenant-files:{tenantId} (did you mean 'tenant-files:acme'?).");
    }
}
