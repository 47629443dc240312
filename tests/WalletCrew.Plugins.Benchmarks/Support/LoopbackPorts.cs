using System.Net;
using System.Net.Sockets;

namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>Free TCP ports on 127.0.0.1 for servers the benchmarks start in process.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
