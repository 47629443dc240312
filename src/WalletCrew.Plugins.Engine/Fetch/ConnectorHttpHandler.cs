using System.Net;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>
/// The header rules and body limits of the <see cref="HttpClient"/>s connectors get for typed clients (<c>Context.CreateHttpClient</c>, for Refit):
/// it sits under the <see cref="InvocationScopeHandler"/> (count, cancellation) and sends through the fetch client's own
/// handler, so the egress guard and the limits apply as they do to <c>fetch</c>.
/// </summary>
/// <remarks>Disposing it never disposes the shared handler. Responses are read into memory, up to the response body limit,
/// before they are returned, so a typed client cannot read past the limit.</remarks>
internal sealed class ConnectorHttpHandler(HttpMessageHandler shared, FetchClientOptions options) : HttpMessageHandler
{
    private readonly HttpMessageInvoker _shared = new(shared, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = request.RequestUri?.ToString() ?? "";
        _ = FetchClient.ParseUrl(url);
        var method = request.Method.Method;
        if (HeaderRules.Problems(request) is { Count: > 0 } problems)
        {
            throw FetchErrors.InvalidRequestHeaders(method, url, problems);
        }

        // HTTP/1.1 or lower only, as for fetch: QUIC (HTTP/3) connections would not pass through the egress guard.
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;

        await LimitRequestBodyAsync(request, method, url, cancellationToken).ConfigureAwait(false);
        var response = await _shared.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await BufferResponseAsync(response, method, url, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shared.Dispose(); // disposeHandler: false, so the shared handler lives on
        }

        base.Dispose(disposing);
    }

    private async Task LimitRequestBodyAsync(HttpRequestMessage request, string method, string url, CancellationToken cancellationToken)
    {
        if (request.Content is not { } content)
        {
            return;
        }

        var limit = options.MaxRequestBodyBytes;
        if (content.Headers.ContentLength is not long length)
        {
            try
            {
                await content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                throw FetchErrors.RequestBodyTooLarge(method, url, limit + 1L, limit);
            }

            length = content.Headers.ContentLength ?? 0;
        }

        if (length > limit)
        {
            throw FetchErrors.RequestBodyTooLarge(method, url, length, limit);
        }
    }

    private async Task BufferResponseAsync(HttpResponseMessage response, string method, string url, CancellationToken cancellationToken)
    {
        var limit = options.MaxResponseBodyBytes;
        if (response.Content.Headers.ContentLength is long declared && declared > limit)
        {
            throw FetchErrors.ResponseBodyTooLarge(method, url, limit, declared, declared: true);
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
        {
            throw FetchErrors.ResponseBodyTooLarge(method, url, limit, limit + 1L, declared: false);
        }
    }
}
