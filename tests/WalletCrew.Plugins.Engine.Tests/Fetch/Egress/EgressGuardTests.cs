using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Tests.Fetch.Egress;

public sealed class EgressGuardTests
{
    private static readonly IPAddress Public = IPAddress.Parse("93.184.216.34");

    [Fact]
    public void HostIsDeniedWhenAnyOfItsAddressesIsPrivate()
    {
        var guard = new EgressGuard(EgressPolicy.PublicOnly);

        var act = () => guard.Vet("partner.example", 443, [Public, IPAddress.Parse("10.0.0.5")]);

        act.Should().Throw<EgressDeniedException>().WithMessage(
            "Egress to partner.example:443 is denied: 10.0.0.5 is in the private-use (RFC 1918) range 10.0.0.0/8. "
            + "Tenant code may reach only public addresses; to reach a partner in a private network, add its host name to "
            + "tenant.json `egress.allow`, and have the host operator add its network to the host setting `PrivateNetworks`.")
            .Which.Category.Should().Be(AddressCategory.Private);
    }

    [Fact]
    public void PublicAddressesPassInCanonicalForm() =>
        new EgressGuard(EgressPolicy.PublicOnly).Vet("partner.example", 443, [IPAddress.Parse("::ffff:93.184.216.34"), Public])
            .Should().Equal(Public, Public);

    [Fact]
    public void NameWithoutAddressesIsDenied() =>
        new Action(() => new EgressGuard(EgressPolicy.PublicOnly).Vet("nowhere.example", 80, []))
            .Should().Throw<EgressDeniedException>().WithMessage("Egress to nowhere.example:80 is denied: the name resolved to no address.");

    [Theory]
    [InlineData("crm.corp.example", "crm.corp.example")]
    [InlineData("CRM.corp.example.", "crm.corp.example")]
    [InlineData("crm.corp.example", "*.corp.example")]
    public void TenantAllowListOpensPrivateAddressesOfTheNamedHost(string host, string entry)
    {
        var operatorNetworks = new EgressPolicy { AllowedPrivateNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")] };
        var guard = new EgressGuard(operatorNetworks.WithAllowedPrivateHosts([entry]));

        guard.Vet(host, 443, [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("fd12::3")]).Should().HaveCount(2);
    }

    [Fact]
    public void TenantAllowListDoesNotOpenOtherHosts()
    {
        var guard = new EgressGuard(EgressPolicy.PublicOnly.WithAllowedPrivateHosts(["crm.corp.example"]));

        new Action(() => guard.Vet("evil.example", 443, [IPAddress.Parse("10.1.2.3")])).Should().Throw<EgressDeniedException>();
    }

    [Fact]
    public void TenantAllowListNeverOpensLoopback()
    {
        var guard = new EgressGuard(EgressPolicy.PublicOnly.WithAllowedPrivateHosts(["crm.corp.example"]));

        new Action(() => guard.Vet("crm.corp.example", 443, [IPAddress.Loopback]))
            .Should().Throw<EgressDeniedException>().Which.Category.Should().Be(AddressCategory.Loopback);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void AllowLoopbackOpensLoopback(string address) =>
        new EgressGuard(new EgressPolicy { AllowLoopback = true }).Vet("dev.local", 8080, [IPAddress.Parse(address)]).Should().ContainSingle();

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("168.63.129.16")]
    [InlineData("fd00:ec2::254")]
    [InlineData("169.254.1.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    public void AllowLoopbackKeepsMetadataLinkLocalAndSpecialRangesClosed(string address) =>
        new Action(() => new EgressGuard(new EgressPolicy { AllowLoopback = true }).Vet("x.local", 80, [IPAddress.Parse(address)]))
            .Should().Throw<EgressDeniedException>();

    [Fact]
    public void MetadataEndpointIsNeverOpenedEvenAsAnAllowedEndpoint()
    {
        var metadata = IPAddress.Parse("169.254.169.254");
        var guard = new EgressGuard(new EgressPolicy { AllowLoopback = true, AllowedEndpoints = [new IPEndPoint(metadata, 80)] });

        new Action(() => guard.Vet("169.254.169.254", 80, [metadata])).Should().Throw<EgressDeniedException>().WithMessage(
            "Egress to 169.254.169.254:80 is denied: 169.254.169.254 is in the cloud metadata (IMDS) range 169.254.169.254/32. "
            + "Cloud metadata endpoints are never reachable from tenant code.");
    }

    [Fact]
    public void AllowedEndpointOpensExactlyThatAddressAndPort()
    {
        var guard = new EgressGuard(new EgressPolicy { AllowedEndpoints = [new IPEndPoint(IPAddress.Loopback, 8125)] });

        guard.Vet("127.0.0.1", 8125, [IPAddress.Loopback]).Should().ContainSingle();
        new Action(() => guard.Vet("127.0.0.1", 8126, [IPAddress.Loopback])).Should().Throw<EgressDeniedException>();
        new Action(() => guard.Vet("127.0.0.1", 8125, [IPAddress.Parse("127.0.0.2")])).Should().Throw<EgressDeniedException>();
    }

    [Fact]
    public void HostSettingAllowLoopbackIsFoldedIntoTheEgressPolicy()
    {
        new FetchClientOptions { AllowLoopback = true }.EffectiveEgress.AllowLoopback.Should().BeTrue();
        new FetchClientOptions { Egress = new EgressPolicy { AllowLoopback = true } }.EffectiveEgress.AllowLoopback.Should().BeTrue();
        new FetchClientOptions().EffectiveEgress.Should().BeSameAs(EgressPolicy.PublicOnly);
    }
}
