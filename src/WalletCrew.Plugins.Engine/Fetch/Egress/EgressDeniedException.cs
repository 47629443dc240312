using System.Net;

namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>The egress guard refused a destination before connecting to it.</summary>
internal sealed class EgressDeniedException : Exception
{
    internal EgressDeniedException(string message, string host, int port, IPAddress? address, AddressCategory? category)
        : base(message)
    {
        Host = host;
        Port = port;
        Address = address;
        Category = category;
    }

    /// <summary>Gets the host as written in the URL (or the redirect's <c>Location</c>).</summary>
    public string Host { get; }

    /// <summary>Gets the port.</summary>
    public int Port { get; }

    /// <summary>Gets the address that was refused; <see langword="null"/> when the name resolved to none.</summary>
    public IPAddress? Address { get; }

    /// <summary>Gets the category of <see cref="Address"/>.</summary>
    public AddressCategory? Category { get; }
}
