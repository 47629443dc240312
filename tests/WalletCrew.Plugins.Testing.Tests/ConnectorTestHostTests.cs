using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Testing.Tests.Samples;
using Xunit.Sdk;

namespace WalletCrew.Plugins.Testing.Tests;

public sealed class ConnectorTestHostTests
{
    private static readonly Dictionary<string, string> Customer = new() { ["customerId"] = "C42" };

    [Fact]
    public async Task Fill_returns_what_the_provider_mapped_from_a_canned_answer()
    {
        using var host = ConnectorTestHost.Load(Path.Combine(RepositoryPaths.SampleTenants, "loyalty"));
        host.SetSecret("LOYALTY-API-KEY", "k");
        host.Answer("GET", "https://loyalty.example/customers/C42", 200, """{"points":12,"tier":"gold"}""");

        var result = await host.FillAsync("customProvider", "pass-1", Customer, new { points = 1 });

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(12, (int)result.Data!["points"]!);
        Assert.Equal("gold", (string?)result.Data!["tier"]);
        Assert.Equal("GET", Assert.Single(result.Requests).Method);
    }

    [Fact]
    public async Task A_request_without_a_canned_answer_fails_naming_its_route()
    {
        using var host = ConnectorTestHost.Load(Path.Combine(RepositoryPaths.SampleTenants, "loyalty"));
        host.SetSecret("LOYALTY-API-KEY", "k");

        var result = await host.FillAsync("customProvider", "pass-1", Customer);

        Assert.Equal(InvocationStatus.Failed, result.Status);
        Assert.Contains("No canned answer for GET https://loyalty.example/customers/C42", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Requests); // recorded although nothing answered
    }

    [Fact]
    public async Task Secrets_reach_the_partner_and_are_redacted_in_the_log()
    {
        using var tenant = new TenantFolder("secrets-tenant");
        tenant.WriteScript("hook.csx", """
            async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
            {
                var key = await getSecret("API-KEY");
                console.log($"using {key}");
                await fetch("https://partner.example/hook", new { Method = "POST", Headers = new Dictionary<string, string> { ["X-API-KEY"] = key } });
            }

            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        using var host = ConnectorTestHost.Load(tenant.Directory);
        host.SetSecret("API-KEY", "very-secret-value");
        host.Answer("POST", "https://partner.example/hook", 200);

        var result = await host.InstallAsync("pass-1");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("very-secret-value", Assert.Single(result.Requests).Headers["X-API-KEY"]);
        var line = Assert.Single(result.Log);
        Assert.DoesNotContain("very-secret-value", line, StringComparison.Ordinal);
        Assert.StartsWith("using ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_result_lists_only_its_own_requests_and_the_host_keeps_them_all()
    {
        using var host = ConnectorTestHost.Load(Path.Combine(RepositoryPaths.SampleTenants, "acme-crm"));
        host.SetSecret("PARTNER-API-SECRET", "s");
        host.Answer("POST", "https://partner.example/wallet/installation", 204);

        var first = await host.InstallAsync("pass-1", Customer);
        var second = await host.UninstallAsync("pass-1", Customer);

        Assert.Contains("isInstalled=true", Assert.Single(first.Requests).Body, StringComparison.Ordinal);
        Assert.Contains("isInstalled=false", Assert.Single(second.Requests).Body, StringComparison.Ordinal);
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task A_real_loopback_stub_answers_unmatched_requests_when_allowed()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, """{"points":7,"tier":"silver"}""");
        using var tenant = new TenantFolder("loyalty").CopySample("loyalty");
        tenant.Replace("server/script/customProvider.csx", "https://loyalty.example", stub.BaseAddress);
        using var host = ConnectorTestHost.Load(tenant.Directory, new ConnectorTestOptions { SendUnmatchedRequests = true });
        host.SetSecret("LOYALTY-API-KEY", "k");

        var result = await host.FillAsync("customProvider", "pass-1", Customer);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(7, (int)result.Data!["points"]!);
        Assert.Equal("/customers/C42", Assert.Single(stub.Requests).Path);
        Assert.Equal(stub.BaseAddress + "/customers/C42", Assert.Single(result.Requests).Url);
    }

    [Fact]
    public async Task Egress_policy_still_applies_to_unmatched_requests()
    {
        using var tenant = new TenantFolder("loyalty").CopySample("loyalty");
        tenant.Replace("server/script/customProvider.csx", "https://loyalty.example", "http://10.0.0.1");
        using var host = ConnectorTestHost.Load(tenant.Directory, new ConnectorTestOptions { SendUnmatchedRequests = true });
        host.SetSecret("LOYALTY-API-KEY", "k");

        var result = await host.FillAsync("customProvider", "pass-1", Customer);

        Assert.Equal(InvocationStatus.Failed, result.Status);
        Assert.Contains("Egress to 10.0.0.1:80 is denied", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Requests); // recorded before the guard refused the connection
    }

    [Fact]
    public void A_tenant_with_errors_throws_listing_them_in_msbuild_form()
    {
        using var tenant = new TenantFolder("broken");
        tenant.WriteScript("broken.csx", "var x = 1\nconsole.log(x);\n");

        var exception = Assert.Throws<ConnectorLoadException>(() => ConnectorTestHost.Load(tenant.Directory));

        var script = Path.Combine(tenant.Directory, "server", "script", "broken.csx");
        var diagnostic = Assert.Single(exception.Diagnostics);
        Assert.StartsWith(script + "(1,10): error CS1003", diagnostic, StringComparison.Ordinal);
        Assert.Contains(diagnostic, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connector_that_sends_the_wrong_body_fails_the_samples_assertion()
    {
        using var tenant = new TenantFolder("acme-crm").CopySample("acme-crm");
        tenant.Replace("server/script/passInstallation.csx", "Body = new { customerId, isInstalled, device }", "Body = new { customerId, device }");
        using var host = ConnectorTestHost.Load(tenant.Directory);
        host.SetSecret("PARTNER-API-SECRET", "s");
        host.Answer("POST", "https://partner.example/wallet/installation", 204);

        var result = await host.InstallAsync("pass-1", Customer, device: Device.Google);

        Assert.True(result.Succeeded, result.Error);
        Assert.ThrowsAny<XunitException>(() => AcmeCrmTests.AssertPostedForm(result, "customerId=C42&isInstalled=true&device=google"));
    }
}
