namespace WalletCrew.Plugins.Host;

/// <summary>What <c>wcp serve</c> passes to the host; everything else comes from configuration (<c>WalletCrew:*</c>).</summary>
public sealed class HostSettings
{
    /// <summary>Gets the tenants root: one folder per tenant id.</summary>
    public required string TenantsRoot { get; init; }

    /// <summary>The addresses a host listens on when neither <see cref="Urls"/> nor configuration names any.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Gets the addresses to listen on, such as <c>http://127.0.0.1:5080</c>; when null, configuration's
    /// (<c>ASPNETCORE_URLS</c>, <c>Urls</c>, <c>HTTP_PORTS</c>, <c>Kestrel:Endpoints</c>), else <see cref="DefaultUrls"/>.</summary>
    public string? Urls { get; init; }

    /// <summary>Gets the event store: <c>sqlite:&lt;path&gt;</c> (one host) or <c>postgres:&lt;connection string&gt;</c> (several hosts, one database).</summary>
    /// <value>The default is <c>sqlite:wcp.db</c>.</value>
    public string Store { get; init; } = "sqlite:wcp.db";

    /// <summary>Gets a value indicating whether connectors may call loopback addresses, 127.0.0.0/8 and ::1 (development and tests only).</summary>
    public bool AllowLoopback { get; init; }
}
