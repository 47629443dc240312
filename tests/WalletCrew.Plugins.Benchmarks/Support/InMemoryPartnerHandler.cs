using System.Net;

namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>
/// The partner's API answered in memory: 200 with a small JSON body, no socket, completed synchronously.
/// Every benchmark row sends its <c>fetch</c> through the engine's own <c>FetchClient</c> over this handler.
/// </summary>
internal sealed class InMemoryPartnerHandler : HttpMessageHandler
{
    private static readonly byte[] s_body = "{\"ok\":true}"u8.ToArray();

    /// <summary>Gets the number of requests answered.</summary>
    public long Requests { get; private set; }

    /// <summary>Gets the last request's method, path, headers and body, to check that every row sends the same request.</summary>
    public string? LastRequest { get; private set; }

    /// <summary>Gets or sets a value indicating whether the next request is recorded in <see cref="LastRequest"/> (off while measuring).</summary>
    public bool Record { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        if (Record)
        {
            LastRequest = Describe(request);
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(s_body) };
        response.Content.Headers.ContentType = new("application/json");
        return Task.FromResult(response);
    }

    private static string Describe(HttpRequestMessage request)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}")
            .Order(StringComparer.Ordinal);
        var body = request.Content?.ReadAsStringAsync().GetAwaiter().GetResult() ?? "";
        // The path, not the host: the seed's JavaScript calls https://partner, the .csx port https://partner.example.
        return $"{request.Method} {request.RequestUri?.PathAndQuery}\n{string.Join("\n", headers)}\n\n{body}";
    }
}
