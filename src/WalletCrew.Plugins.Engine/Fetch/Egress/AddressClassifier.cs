using System.Net;
using System.Net.Sockets;
using Microsoft.Security.AntiSSRF;

namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>Sorts IP addresses into public and the non-public ranges of AntiSSRF's recommended deny list.</summary>
/// <remarks>Ranges come from <see cref="IPAddressRanges"/> (Microsoft.Security.AntiSSRF), copied once; the longest prefix wins.
/// IPv4-mapped addresses are judged as IPv4. NAT64, 6to4, Teredo and IPv4-compatible forms are decoded so the message
/// names the embedded IPv4, and are denied whatever it is, as in the recommended list.</remarks>
internal static class AddressClassifier
{
    private static readonly NamedRange[] Ranges = Build();

    /// <summary>Classifies one address.</summary>
    public static AddressClassification Classify(IPAddress address)
    {
        address = Canonical(address);
        var own = Lookup(address);
        if (own.Category == AddressCategory.Translation && TryGetEmbeddedIPv4(address, out var embedded))
        {
            var inner = Lookup(embedded);
            var tail = inner.Range is null ? $"embeds the public address {embedded}" : $"embeds {embedded}, which is in the {inner.Label} range {inner.Cidr}";
            return new(AddressCategory.Translation, $"is in the {own.Label} range {own.Cidr} and {tail}");
        }

        return own.Range is null ? AddressClassification.Public : new(own.Category, $"is in the {own.Label} range {own.Cidr}");
    }

    /// <summary>Returns the address as the socket will use it: IPv4-mapped IPv6 becomes IPv4, and the scope id is dropped.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    private static NamedRange Lookup(IPAddress address)
    {
        foreach (var range in Ranges)
        {
            if (range.Range is { } network && network.Contains(address))
            {
                return range;
            }
        }

        return default;
    }

    private static bool TryGetEmbeddedIPv4(IPAddress address, out IPAddress embedded)
    {
        embedded = IPAddress.None;
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            embedded = new IPAddress(b[12..16]); // NAT64 64:ff9b::/96 (RFC 6052)
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            embedded = new IPAddress(b[2..6]); // 6to4 2002:AABB:CCDD::/48 (RFC 3056)
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            Span<byte> client = [(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]];
            embedded = new IPAddress(client); // Teredo 2001::/32: the client's address, inverted (RFC 4380)
        }
        else if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            embedded = new IPAddress(b[12..16]); // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291)
        }
        else
        {
            return false;
        }

        return true;
    }

    private static NamedRange[] Build()
    {
        (string[] Cidrs, AddressCategory Category, string Label)[] groups =
        [
            (IPAddressRanges.unspecified, AddressCategory.Unspecified, "unspecified"),
            (IPAddressRanges.loopback, AddressCategory.Loopback, "loopback"),
            (IPAddressRanges.privateUse, AddressCategory.Private, "private-use (RFC 1918)"),
            (IPAddressRanges.uniqueLocal, AddressCategory.Private, "unique-local (RFC 4193)"),
            (IPAddressRanges.sharedAddressSpace, AddressCategory.Private, "carrier-grade NAT (RFC 6598)"),
            (IPAddressRanges.linkLocal, AddressCategory.LinkLocal, "link-local"),
            (IPAddressRanges.imds, AddressCategory.CloudMetadata, "cloud metadata (IMDS)"),
            (IPAddressRanges.wireserver, AddressCategory.CloudMetadata, "Azure WireServer"),
            (["fd00:ec2::254/128"], AddressCategory.CloudMetadata, "cloud metadata (AWS IMDS over IPv6)"),
            (IPAddressRanges.multicast, AddressCategory.Multicast, "multicast"),
            (IPAddressRanges.broadcast, AddressCategory.Multicast, "broadcast"),
            (IPAddressRanges.ipv4Ipv6Translat, AddressCategory.Translation, "NAT64"),
            (IPAddressRanges.sixto4, AddressCategory.Translation, "6to4"),
            (IPAddressRanges.teredo, AddressCategory.Translation, "Teredo"),
            (["::/96"], AddressCategory.Translation, "IPv4-compatible (deprecated)"),
            (IPAddressRanges.documentation, AddressCategory.Reserved, "documentation"),
            (IPAddressRanges.benchmarking, AddressCategory.Reserved, "benchmarking"),
            (IPAddressRanges.reserved, AddressCategory.Reserved, "reserved"),
            (IPAddressRanges.siteLocal, AddressCategory.Reserved, "site-local (deprecated)"),
            (IPAddressRanges.recommendedV1, AddressCategory.Reserved, "special-purpose"), // the rest of the recommended list
        ];

        // Stable sort: on equal prefixes the named group, listed first, keeps its label.
        return [.. groups
            .SelectMany(g => g.Cidrs.Select(c => new NamedRange(IPNetwork.Parse(c), g.Category, g.Label)))
            .OrderByDescending(r => r.Range!.Value.PrefixLength)];
    }

    private readonly record struct NamedRange(IPNetwork? Range, AddressCategory Category, string Label)
    {
        public string Cidr => Range?.ToString() ?? "";
    }
}
