using System.Net;
using System.Net.Sockets;

namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>The egress check in <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve once, vet every address, connect to a vetted one.</summary>
/// <remarks>Connecting to the address that was vetted (no second lookup) defeats DNS rebinding. Every new connection comes
/// through here, redirect targets included, so each hop is checked again.</remarks>
internal sealed class EgressGuard(EgressPolicy policy, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    /// <summary>Gets the policy in force.</summary>
    public EgressPolicy Policy { get; } = policy;

    /// <summary>Opens a TCP connection to <paramref name="context"/>'s endpoint if the policy allows every address of its host.</summary>
    /// <exception cref="EgressDeniedException">An address of the host is not allowed.</exception>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await _resolve(host, cancellationToken).ConfigureAwait(false);
        var vetted = Vet(host, port, addresses);

        Exception? last = null;
        foreach (var address in vetted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>Checks every address of <paramref name="host"/> and returns them, canonical, in order.</summary>
    /// <exception cref="EgressDeniedException">One address is not allowed (a single bad answer denies the host).</exception>
    public IReadOnlyList<IPAddress> Vet(string host, int port, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            throw FetchErrors.NoAddress(host, port);
        }

        var vetted = new IPAddress[addresses.Count];
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = AddressClassifier.Canonical(addresses[i]);
            var verdict = AddressClassifier.Classify(address);
            if (!IsAllowed(host, port, address, verdict.Category))
            {
                throw FetchErrors.EgressDenied(host, port, address, verdict, Policy.IsPrivateHostAllowed(host));
            }

            vetted[i] = address;
        }

        return vetted;
    }

    private bool IsAllowed(string host, int port, IPAddress address, AddressCategory category) => category switch
    {
        AddressCategory.Public => true,
        AddressCategory.Loopback => Policy.AllowLoopback || Policy.IsEndpointAllowed(address, port),
        // Both lists: the tenant names the host, the operator opens the network. A tenant's wildcard (*.nip.io) alone opens nothing.
        AddressCategory.Private => (Policy.IsPrivateHostAllowed(host) && Policy.IsPrivateNetworkAllowed(address)) || Policy.IsEndpointAllowed(address, port),
        AddressCategory.LinkLocal => Policy.IsEndpointAllowed(address, port),
        _ => false,
    };
}
