using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine.Tests.Fetch.Egress;

/// <summary>
/// Private destinations need two lists: the tenant's tenant.json names the host, the host operator's <c>PrivateNetworks</c>
/// opens the network. <c>AllowLoopback</c> opens loopback and nothing else. Only the decision is tested (the guard's
/// <see cref="EgressGuard.Vet"/> on given answers): no test here connects anywhere. Before this change, a tenant's
/// <c>*.nip.io</c> alone opened any private address a name under it resolved to, and <c>AllowLoopback</c> opened 10.0.0.1.
/// </summary>
public sealed class PrivateEgressTests
{
    private static readonly EgressPolicy Operator = new() { AllowedPrivateNetworks = [IPNetwork.Parse("10.20.0.0/16")] };

    public static TheoryData<string, string, string> TenantWildcardSpellings => new()
    {
        { "*.nip.io", "10.0.0.1.nip.io", "10.0.0.1" },
        { "*.nip.io", "app.10.20.0.5.nip.io", "172.16.0.5" },
        { "*.sslip.io", "192-168-1-1.sslip.io", "192.168.1.1" },
        { "*.nip.io", "x.nip.io", "100.64.0.1" },
        { "*.nip.io", "x.nip.io", "fd00::1" },
        { "*.nip.io", "x.nip.io", "::ffff:10.0.0.1" },
        { "crm.corp.example", "crm.corp.example", "10.0.0.7" },
        { "*.corp.example", "CRM.Corp.Example.", "192.168.7.7" },
    };

    [Theory]
    [MemberData(nameof(TenantWildcardSpellings))]
    public void TenantAllowListAloneOpensNoPrivateAddress(string entry, string host, string address)
    {
        var guard = new EgressGuard(EgressPolicy.PublicOnly.WithAllowedPrivateHosts([entry]));

        var act = () => guard.Vet(host, 443, [IPAddress.Parse(address)]);

        act.Should().Throw<EgressDeniedException>().Which.Category.Should().Be(AddressCategory.Private);
    }

    [Theory]
    [MemberData(nameof(TenantWildcardSpellings))]
    public void TenantAllowListDoesNotReachPastTheOperatorsNetworks(string entry, string host, string address)
    {
        var guard = new EgressGuard(Operator.WithAllowedPrivateHosts([entry]));

        new Action(() => guard.Vet(host, 443, [IPAddress.Parse(address)])).Should().Throw<EgressDeniedException>();
    }

    [Fact]
    public void DenialTellsTheTenantTheOperatorMustOpenTheNetwork()
    {
        var guard = new EgressGuard(EgressPolicy.PublicOnly.WithAllowedPrivateHosts(["*.nip.io"]));

        new Action(() => guard.Vet("10.0.0.1.nip.io", 443, [IPAddress.Parse("10.0.0.1")])).Should().Throw<EgressDeniedException>().WithMessage(
            "Egress to 10.0.0.1.nip.io:443 is denied: 10.0.0.1 is in the private-use (RFC 1918) range 10.0.0.0/8. "
            + "tenant.json `egress.allow` names this host, but a private address also needs the host operator's setting "
            + "`PrivateNetworks` to include its network; ask the operator to add it.");
    }

    [Fact]
    public void OperatorNetworkAloneOpensNothingForAHostTheTenantDidNotName()
    {
        var guard = new EgressGuard(Operator);

        new Action(() => guard.Vet("crm.corp.example", 443, [IPAddress.Parse("10.20.0.5")])).Should().Throw<EgressDeniedException>();
    }

    [Theory]
    [InlineData("*.nip.io", "10-20-0-5.nip.io", "10.20.0.5")]
    [InlineData("crm.corp.example", "crm.corp.example", "10.20.255.254")]
    [InlineData("*.corp.example", "crm.corp.example", "::ffff:10.20.0.9")]
    public void NegativeControlBothListsTogetherOpenTheAddress(string entry, string host, string address) =>
        new EgressGuard(Operator.WithAllowedPrivateHosts([entry])).Vet(host, 443, [IPAddress.Parse(address)]).Should().ContainSingle();

    [Fact]
    public void TenantClientsCarryTheOperatorsNetworksAndTheTenantsHosts()
    {
        var networks = new[] { IPNetwork.Parse("10.20.0.0/16") };
        using var clients = new TenantFetchClients(new ConnectorEngineOptions { PrivateNetworks = networks });
        var guard = new EgressGuard(clients.For("acme", ["*.nip.io"], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes).Egress);

        guard.Vet("a.nip.io", 443, [IPAddress.Parse("10.20.0.5")]).Should().ContainSingle();
        new Action(() => guard.Vet("a.nip.io", 443, [IPAddress.Parse("10.0.0.1")])).Should().Throw<EgressDeniedException>();
    }

    public static TheoryData<string> NotLoopback => new()
    {
        "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd00::1", "fe80::1", "169.254.1.1", "::ffff:10.0.0.1", "::ffff:192.168.0.1",
    };

    [Theory]
    [MemberData(nameof(NotLoopback))]
    public void AllowLoopbackOpensNoPrivateOrLinkLocalAddress(string address)
    {
        var guard = new EgressGuard(new FetchClientOptions { AllowLoopback = true }.EffectiveEgress);

        new Action(() => guard.Vet("dev.local", 8080, [IPAddress.Parse(address)])).Should().Throw<EgressDeniedException>();
    }

    [Theory]
    [MemberData(nameof(NotLoopback))]
    public void AllowLoopbackWithATenantWildcardStillNeedsTheOperatorsNetwork(string address)
    {
        var guard = new EgressGuard(new EgressPolicy { AllowLoopback = true }.WithAllowedPrivateHosts(["*.local"]));

        new Action(() => guard.Vet("dev.local", 8080, [IPAddress.Parse(address)])).Should().Throw<EgressDeniedException>();
    }
}
