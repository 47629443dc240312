using System.Net;

namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>Which non-public destinations the fetch client may reach; everything public is always allowed.</summary>
/// <remarks>Cloud metadata endpoints (169.254.169.254, 168.63.129.16, fd00:ec2::254) are never reachable, whatever the policy.</remarks>
internal sealed record EgressPolicy
{
    /// <summary>Gets the policy that allows public addresses only (production default).</summary>
    public static EgressPolicy PublicOnly { get; } = new();

    /// <summary>Gets a value indicating whether loopback addresses (127.0.0.0/8, ::1) may be reached (host setting <c>AllowLoopback</c>, development and tests).</summary>
    /// <value>The default is <see langword="false"/>. It opens loopback only: never a private, link-local or other range.</value>
    public bool AllowLoopback { get; init; }

    /// <summary>Gets the host names (tenant.json <c>egress.allow</c>) whose private-range addresses (RFC 1918, unique-local, CGNAT) may be reached.</summary>
    /// <value>The default is none. An entry is a host name, or <c>*.suffix</c> for its subdomains; it never opens loopback.
    /// It opens an address only inside <see cref="AllowedPrivateNetworks"/>: a tenant's list alone opens nothing.</value>
    public IReadOnlyCollection<string> AllowedPrivateHosts { get; init; } = [];

    /// <summary>Gets the private networks the host operator lets tenants reach (host setting <c>PrivateNetworks</c>).</summary>
    /// <value>The default is none. Host configuration only, never from a tenant; an address in them is reachable only for a host
    /// the tenant's <see cref="AllowedPrivateHosts"/> also names, so a wildcard such as <c>*.nip.io</c> cannot pick any address.</value>
    public IReadOnlyCollection<IPNetwork> AllowedPrivateNetworks { get; init; } = [];

    /// <summary>Gets exact non-public endpoints the host operator opens (a local sidecar), reachable even when loopback or link-local.</summary>
    /// <value>The default is none. Host configuration only, never from a tenant.</value>
    public IReadOnlyCollection<IPEndPoint> AllowedEndpoints { get; init; } = [];

    /// <summary>Returns this policy with a tenant's allow-list added.</summary>
    /// <param name="hosts">Host names or <c>*.suffix</c> patterns.</param>
    /// <returns>A new policy.</returns>
    public EgressPolicy WithAllowedPrivateHosts(IEnumerable<string> hosts) =>
        this with { AllowedPrivateHosts = [.. AllowedPrivateHosts, .. hosts] };

    /// <summary>Returns whether <paramref name="host"/> (as in the URL) is on the private-host allow-list.</summary>
    internal bool IsPrivateHostAllowed(string host)
    {
        var name = Normalize(host);
        foreach (var entry in AllowedPrivateHosts)
        {
            var pattern = Normalize(entry);
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? name.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
                : string.Equals(name, pattern, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether the host operator opened the private network of <paramref name="address"/> (canonical form).</summary>
    internal bool IsPrivateNetworkAllowed(IPAddress address)
    {
        foreach (var network in AllowedPrivateNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether the exact endpoint was opened by the host operator.</summary>
    internal bool IsEndpointAllowed(IPAddress address, int port)
    {
        foreach (var endpoint in AllowedEndpoints)
        {
            if (endpoint.Port == port && AddressClassifier.Canonical(endpoint.Address).Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.').Trim('[', ']');
}
