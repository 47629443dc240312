using System.Net;
using Microsoft.Security.AntiSSRF;
using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Tests.Fetch.Egress;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("2606:4700::1")]
    [InlineData("2a00:1450:4007:80e::200e")]
    [InlineData("::ffff:93.184.216.34")]
    public void PublicAddressesAreAllowed(string address) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).Should().Be(AddressClassification.Public);

    [Theory]
    [InlineData("127.0.0.1", nameof(AddressCategory.Loopback))]
    [InlineData("127.255.255.254", nameof(AddressCategory.Loopback))]
    [InlineData("::1", nameof(AddressCategory.Loopback))]
    [InlineData("::ffff:127.0.0.1", nameof(AddressCategory.Loopback))]
    [InlineData("10.0.0.1", nameof(AddressCategory.Private))]
    [InlineData("172.16.5.4", nameof(AddressCategory.Private))]
    [InlineData("172.31.255.255", nameof(AddressCategory.Private))]
    [InlineData("192.168.1.1", nameof(AddressCategory.Private))]
    [InlineData("::ffff:10.1.2.3", nameof(AddressCategory.Private))]
    [InlineData("100.64.0.1", nameof(AddressCategory.Private))]
    [InlineData("fc00::1", nameof(AddressCategory.Private))]
    [InlineData("fd00::1", nameof(AddressCategory.Private))]
    [InlineData("169.254.169.254", nameof(AddressCategory.CloudMetadata))]
    [InlineData("::ffff:169.254.169.254", nameof(AddressCategory.CloudMetadata))]
    [InlineData("168.63.129.16", nameof(AddressCategory.CloudMetadata))]
    [InlineData("fd00:ec2::254", nameof(AddressCategory.CloudMetadata))]
    [InlineData("169.254.1.1", nameof(AddressCategory.LinkLocal))]
    [InlineData("fe80::1", nameof(AddressCategory.LinkLocal))]
    [InlineData("fe80::1%2", nameof(AddressCategory.LinkLocal))]
    [InlineData("224.0.0.1", nameof(AddressCategory.Multicast))]
    [InlineData("ff02::1", nameof(AddressCategory.Multicast))]
    [InlineData("255.255.255.255", nameof(AddressCategory.Multicast))]
    [InlineData("0.0.0.0", nameof(AddressCategory.Unspecified))]
    [InlineData("0.1.2.3", nameof(AddressCategory.Unspecified))]
    [InlineData("::", nameof(AddressCategory.Unspecified))]
    [InlineData("240.0.0.1", nameof(AddressCategory.Reserved))]
    [InlineData("192.0.2.1", nameof(AddressCategory.Reserved))]
    [InlineData("198.18.0.1", nameof(AddressCategory.Reserved))]
    [InlineData("192.0.0.8", nameof(AddressCategory.Reserved))]
    [InlineData("2001:db8::1", nameof(AddressCategory.Reserved))]
    [InlineData("fec0::1", nameof(AddressCategory.Reserved))]
    [InlineData("64:ff9b::7f00:1", nameof(AddressCategory.Translation))]
    [InlineData("64:ff9b::5db8:d822", nameof(AddressCategory.Translation))]
    [InlineData("64:ff9b:1::1", nameof(AddressCategory.Translation))]
    [InlineData("2002:7f00:1::1", nameof(AddressCategory.Translation))]
    [InlineData("2002:a00:1::1", nameof(AddressCategory.Translation))]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", nameof(AddressCategory.Translation))]
    [InlineData("::7f00:1", nameof(AddressCategory.Translation))]
    public void NonPublicAddressesAreClassifiedByRange(string address, string expected) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).Category.ToString().Should().Be(expected);

    [Theory]
    [InlineData("127.0.0.1", "is in the loopback range 127.0.0.0/8")]
    [InlineData("::ffff:127.0.0.1", "is in the loopback range 127.0.0.0/8")]
    [InlineData("169.254.169.254", "is in the cloud metadata (IMDS) range 169.254.169.254/32")]
    [InlineData("100.64.0.1", "is in the carrier-grade NAT (RFC 6598) range 100.64.0.0/10")]
    [InlineData("64:ff9b::7f00:1", "is in the NAT64 range 64:ff9b::/96 and embeds 127.0.0.1, which is in the loopback range 127.0.0.0/8")]
    [InlineData("2002:a00:1::1", "is in the 6to4 range 2002::/16 and embeds 10.0.0.1, which is in the private-use (RFC 1918) range 10.0.0.0/8")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", "is in the Teredo range 2001::/32 and embeds 127.0.0.1, which is in the loopback range 127.0.0.0/8")]
    [InlineData("64:ff9b::5db8:d822", "is in the NAT64 range 64:ff9b::/96 and embeds the public address 93.184.216.34")]
    [InlineData("::7f00:1", "is in the IPv4-compatible (deprecated) range ::/96 and embeds 127.0.0.1, which is in the loopback range 127.0.0.0/8")]
    public void DescriptionNamesTheRangeAndAnyEmbeddedIPv4(string address, string expected) =>
        AddressClassifier.Classify(IPAddress.Parse(address)).Description.Should().Be(expected);

    [Fact]
    public void EveryRangeOfTheAntiSsrfRecommendedListIsDenied()
    {
        foreach (var cidr in IPAddressRanges.recommendedV1)
        {
            var network = IPNetwork.Parse(cidr);
            AddressClassifier.Classify(network.BaseAddress).Category.Should().NotBe(AddressCategory.Public, cidr);
            AddressClassifier.Classify(LastAddress(network)).Category.Should().NotBe(AddressCategory.Public, cidr);
        }
    }

    [Fact]
    public void CanonicalFormMapsIPv4MappedAddressesToIPv4() =>
        AddressClassifier.Canonical(IPAddress.Parse("::ffff:93.184.216.34")).Should().Be(IPAddress.Parse("93.184.216.34"));

    private static IPAddress LastAddress(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        for (var bit = network.PrefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
