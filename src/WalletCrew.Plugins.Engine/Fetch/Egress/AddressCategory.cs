namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>What kind of destination an IP address is, for the egress guard.</summary>
internal enum AddressCategory
{
    /// <summary>A global unicast address: always reachable.</summary>
    Public,

    /// <summary>127.0.0.0/8 or ::1: reachable only with the host setting <c>AllowLoopback</c>.</summary>
    Loopback,

    /// <summary>RFC 1918, unique-local or CGNAT: reachable for a host a tenant allow-list names, inside a network the host setting <c>PrivateNetworks</c> opens.</summary>
    Private,

    /// <summary>169.254.0.0/16 or fe80::/10: reachable only through an endpoint the host operator opened.</summary>
    LinkLocal,

    /// <summary>A cloud metadata or host agent endpoint: never reachable.</summary>
    CloudMetadata,

    /// <summary>Multicast or broadcast: never reachable.</summary>
    Multicast,

    /// <summary>0.0.0.0/8 or ::: never reachable.</summary>
    Unspecified,

    /// <summary>An IPv6 form carrying an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible): never reachable.</summary>
    Translation,

    /// <summary>Documentation, benchmarking and other special-purpose ranges: never reachable.</summary>
    Reserved,
}
