using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Settings of the engine's one outbound HTTP client.</summary>
internal sealed class FetchClientOptions
{
    /// <summary>Gets a value indicating whether loopback addresses (127.0.0.0/8, ::1) may be reached (development and tests).</summary>
    /// <value>The default is <see langword="false"/>. A shortcut for <see cref="EgressPolicy.AllowLoopback"/>: either one allows.</value>
    public bool AllowLoopback { get; init; }

    /// <summary>Gets the egress policy: which non-public hosts and endpoints may be reached.</summary>
    /// <value>The default is <see cref="EgressPolicy.PublicOnly"/>.</value>
    /// <remarks>A tenant's <c>egress.allow</c> list goes here (<see cref="EgressPolicy.WithAllowedPrivateHosts"/>), in a
    /// client of that tenant's own: connections are pooled per client, so one tenant never reuses another's.</remarks>
    public EgressPolicy Egress { get; init; } = EgressPolicy.PublicOnly;

    /// <summary>Gets the largest request body sent, in bytes; a larger one is refused before any byte leaves.</summary>
    /// <value>The default is 256 KiB (<see cref="FetchDefaults.MaxRequestBodyBytes"/>).</value>
    public int MaxRequestBodyBytes { get; init; } = FetchDefaults.MaxRequestBodyBytes;

    /// <summary>Gets the most response body read, in bytes; reading stops and the call fails past it.</summary>
    /// <value>The default is 1 MiB (<see cref="FetchDefaults.MaxResponseBodyBytes"/>).</value>
    public int MaxResponseBodyBytes { get; init; } = FetchDefaults.MaxResponseBodyBytes;

    /// <summary>Gets the clock of the <c>Timeout</c> option.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the handler to send through instead of the engine's own (tests).</summary>
    /// <value>The default is <see langword="null"/>: the engine's handler, with the egress guard. A given handler has no guard.</value>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Gets what wraps the engine's own handler, egress guard included (the testing package); ignored when <see cref="Handler"/> is set.</summary>
    /// <value>The default is <see langword="null"/>: the engine's handler as is.</value>
    public Func<HttpMessageHandler, HttpMessageHandler>? Wrapper { get; init; }

    /// <summary>Gets the name resolver (tests: a name whose answers change between lookups).</summary>
    /// <value>The default is <see langword="null"/>: <see cref="System.Net.Dns.GetHostAddressesAsync(string, CancellationToken)"/>.</value>
    internal Func<string, CancellationToken, Task<System.Net.IPAddress[]>>? Resolver { get; init; }

    /// <summary>Gets the policy in force (tests read it): <see cref="Egress"/> with <see cref="AllowLoopback"/> folded in.</summary>
    internal EgressPolicy EffectiveEgress => AllowLoopback && !Egress.AllowLoopback ? Egress with { AllowLoopback = true } : Egress;
}
