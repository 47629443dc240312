using System.Net;
using System.Net.Sockets;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Loopback ports for tests that need an address nothing answers on.</summary>
internal static class LoopbackPorts
{
    /// <summary>Returns a loopback port that was free a moment ago and on which nothing listens now.</summary>
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
