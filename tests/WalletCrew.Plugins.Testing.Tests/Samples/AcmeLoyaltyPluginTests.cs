using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Testing.Tests.Samples;

/// <summary>The AcmeLoyaltyPlugin sample, a plugin assembly under <c>server/plugins/</c>, tested like a script.</summary>
public sealed class AcmeLoyaltyPluginTests
{
    [Fact]
    public async Task The_plugins_provider_fills_from_the_loyalty_api()
    {
        using var tenant = new TenantFolder("acme-plugin");
        SamplePlugins.CopyInto(tenant, SamplePlugins.AcmeLoyalty);
        using var host = ConnectorTestHost.Load(tenant.Directory);
        host.SetSecret("LOYALTY-API-KEY", "loyalty-key");
        host.Answer("GET", "https://loyalty.example/customers/C42", 200, """{"points":30,"tier":"silver"}""");

        var result = await host.FillAsync("customProvider", "pass-1", new Dictionary<string, string> { ["customerId"] = "C42" });

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(30, (int)result.Data!["points"]!);
        Assert.Equal("loyalty-key", Assert.Single(result.Requests).Headers["X-API-KEY"]);
    }
}
