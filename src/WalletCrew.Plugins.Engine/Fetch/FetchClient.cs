namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>The single way out of tenant code: sends a connector's <c>fetch</c> with the documented PascalCase options.</summary>
internal sealed class FetchClient : IDisposable
{
    private readonly HttpClient _client;

    public FetchClient(FetchClientOptions options)
    {
        _client = new HttpClient(options.Handler ?? new SocketsHttpHandler { UseProxy = false }, disposeHandler: options.Handler is null);
    }

    /// <summary>Sends the request described by <paramref name="options"/> (typed <see cref="FetchOptions"/> or an anonymous object).</summary>
    public Task<FetchResponse> FetchAsync(string url, object? options, CancellationToken cancellationToken)
    {
        _ = _client;
        _ = url;
        _ = options;
        _ = cancellationToken;
        throw new NotSupportedException("fetch is not implemented yet.");
    }

    public void Dispose() => _client.Dispose();
}
