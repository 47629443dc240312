namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Settings of the engine's one outbound HTTP client.</summary>
internal sealed class FetchClientOptions
{
    /// <summary>Gets a value indicating whether loopback and private addresses may be reached (development and tests).</summary>
    public bool AllowLoopback { get; init; }

    /// <summary>Gets the handler to send through instead of the engine's own (tests).</summary>
    public HttpMessageHandler? Handler { get; init; }
}
