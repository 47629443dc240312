using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>The single way out of tenant code: sends a connector's <c>fetch</c> with the documented PascalCase options.</summary>
/// <remarks>One <see cref="SocketsHttpHandler"/> per client: no proxy, no cookies, at most three redirects, and the
/// <see cref="EgressGuard"/> on every connection it opens. Every request, <c>fetch</c> or typed client, goes through an
/// <see cref="InvocationScopeHandler"/> first, which counts it toward the invocation's limit.</remarks>
internal sealed class FetchClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly HttpMessageHandler _handler;
    private readonly FetchClientOptions _options;
    private readonly bool _ownsHandler;

    public FetchClient(FetchClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;
        _handler = options.Handler ?? Wrap(CreateHandler(new EgressGuard(options.EffectiveEgress, options.Resolver)), options.Wrapper);
        _ownsHandler = options.Handler is null;
        _client = new HttpClient(new InvocationScopeHandler(_handler), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Gets the egress policy this client's guard applies.</summary>
    internal EgressPolicy Egress => _options.EffectiveEgress;

    /// <summary>
    /// Creates a handler for a connector's typed client (Refit) that sends through this client's handler (the same
    /// connections and egress guard), counted and cancelled with the current invocation, within the body limits.
    /// </summary>
    /// <returns>A handler whose disposal leaves this client's handler alive.</returns>
    internal HttpMessageHandler CreateConnectorHandler() => new InvocationScopeHandler(new ConnectorHttpHandler(_handler, _options));

    /// <summary>Sends the request described by <paramref name="options"/> (typed <see cref="FetchOptions"/> or an anonymous object).</summary>
    /// <exception cref="ArgumentException">The URL or an option is invalid; the message names each problem.</exception>
    /// <exception cref="EgressDeniedException">The destination, or a redirect's, is not allowed.</exception>
    /// <exception cref="FetchLimitExceededException">The request or response body is over its limit.</exception>
    /// <exception cref="TimeoutException">The <c>Timeout</c> option elapsed.</exception>
    /// <exception cref="FetchException">A non-2xx answer, with <c>ThrowOnError</c> true.</exception>
    public async Task<FetchResponse> FetchAsync(string url, object? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var call = FetchOptionsReader.Read(options);
        using var request = RequestBuilder.Build(ParseUrl(url), url, call, _options.MaxRequestBodyBytes);
        using var timeout = call.Timeout is { } after ? new CancellationTokenSource(after, _options.TimeProvider) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            var result = await ResponseReader.ReadAsync(response, call.Method, url, _options.MaxResponseBodyBytes, token).ConfigureAwait(false);
            return result.Ok || !call.ThrowOnError ? result : throw new FetchException(call.Method, url, result);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            throw FetchErrors.TimedOut(call.Method, url, call.Timeout!.Value);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        if (_ownsHandler)
        {
            _handler.Dispose();
        }
    }

    private static HttpMessageHandler Wrap(HttpMessageHandler handler, Func<HttpMessageHandler, HttpMessageHandler>? wrapper) =>
        wrapper is null ? handler : wrapper(handler);

    private static SocketsHttpHandler CreateHandler(EgressGuard guard) => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = FetchDefaults.MaxRedirects,
        PooledConnectionLifetime = FetchDefaults.PooledConnectionLifetime,
        ConnectTimeout = FetchDefaults.ConnectTimeout,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectCallback = guard.ConnectAsync,
    };

    internal static Uri ParseUrl(string url)
    {
        // On Unix "/path" parses as an absolute file URI; for a connector it is a relative URL.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.IsFile && !url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            throw FetchErrors.InvalidUrl(url, "it is not an absolute URL");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw FetchErrors.InvalidUrl(url, $"only http and https are allowed, not {uri.Scheme}");
        }

        return uri.UserInfo.Length == 0
            ? uri
            : throw FetchErrors.InvalidUrl(url, "credentials in the URL (user:password@) are not allowed; send them in a header");
    }

    /// <summary>Returns the egress denial inside what the handler threw (it wraps what <c>ConnectCallback</c> throws), if any.</summary>
    internal static EgressDeniedException? FindDenial(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is EgressDeniedException denied)
            {
                return denied;
            }
        }

        return null;
    }

    private static void Validate(FetchClientOptions options)
    {
        var problems = new List<string>();
        if (options.MaxRequestBodyBytes is <= 0 or > int.MaxValue / 2)
        {
            problems.Add(FetchErrors.OutOfRange(nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, int.MaxValue / 2));
        }

        if (options.MaxResponseBodyBytes is <= 0 or > int.MaxValue / 2)
        {
            problems.Add(FetchErrors.OutOfRange(nameof(options.MaxResponseBodyBytes), options.MaxResponseBodyBytes, int.MaxValue / 2));
        }

        if (problems.Count > 0)
        {
            throw FetchErrors.InvalidClientOptions(problems);
        }
    }
}
