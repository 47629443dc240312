namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>The defaults of the engine's outbound HTTP, in one place (SPEC §4).</summary>
internal static class FetchDefaults
{
    /// <summary>The largest request body sent: 256 KiB.</summary>
    public const int MaxRequestBodyBytes = 256 * 1024;

    /// <summary>The most response body read: 1 MiB.</summary>
    public const int MaxResponseBodyBytes = 1024 * 1024;

    /// <summary>The redirects followed per request; each new target passes the egress guard again.</summary>
    public const int MaxRedirects = 3;

    /// <summary>The deepest object graph a <c>Body</c> may have (a cycle ends here instead of overflowing the stack).</summary>
    public const int MaxBodyDepth = 64;

    /// <summary>How long a pooled connection lives, so DNS changes are picked up (and re-vetted) regularly.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The time allowed to open one TCP connection.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
}
