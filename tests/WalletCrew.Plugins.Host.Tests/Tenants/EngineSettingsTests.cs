using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Tenants;

/// <summary>The operator's private networks (<c>WalletCrew:Engine:PrivateNetworks</c>) are checked when the host starts.</summary>
public sealed class EngineSettingsTests
{
    [Fact]
    public async Task HostRefusesAPrivateNetworkThatIsNotCidr()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:PrivateNetworks:0"] = "10.20.0.0/16",
            ["WalletCrew:Engine:PrivateNetworks:1"] = "*.corp.example",
        });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().ContainSingle()
            .Which.Should().Contain("WalletCrew:Engine:PrivateNetworks:1 is '*.corp.example', not a network in CIDR form such as 10.20.0.0/16 or fd12:3456::/48.");
    }

    [Fact]
    public async Task NegativeControlCidrNetworksStartTheHost()
    {
        using var root = new TenantsRoot();

        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:PrivateNetworks:0"] = "10.20.0.0/16",
            ["WalletCrew:Engine:PrivateNetworks:1"] = "fd12:3456::/48",
        });
    }
}
