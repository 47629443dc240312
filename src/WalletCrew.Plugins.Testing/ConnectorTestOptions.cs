namespace WalletCrew.Plugins.Testing;

/// <summary>Settings of a <see cref="ConnectorTestHost"/>.</summary>
public sealed class ConnectorTestOptions
{
    /// <summary>Gets a value indicating whether requests without a canned answer are sent for real, through the engine's egress
    /// policy with loopback allowed, so a stub server on <c>127.0.0.1</c> can answer them.</summary>
    /// <value>The default is <see langword="false"/>: a request without a canned answer fails the connector's call, naming its method and URL.</value>
    public bool SendUnmatchedRequests { get; init; }
}
