using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Turns checked fetch options into an <see cref="HttpRequestMessage"/>, refusing an oversized body before anything is sent.</summary>
internal static class RequestBuilder
{
    private const string FormMediaType = "application/x-www-form-urlencoded";

    /// <exception cref="FetchLimitExceededException">The encoded body is over <paramref name="maxBodyBytes"/>.</exception>
    /// <exception cref="ArgumentException">The body or a header cannot be sent.</exception>
    public static HttpRequestMessage Build(Uri uri, string url, FetchCallOptions options, int maxBodyBytes)
    {
        var content = Content(options, url, maxBodyBytes);
        // HTTP/1.1 or lower only: QUIC (HTTP/3) connections would not pass through ConnectCallback and its egress guard.
        var request = new HttpRequestMessage(new HttpMethod(options.Method), uri)
        {
            Content = content,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        try
        {
            foreach (var (name, value) in options.Headers)
            {
                AddHeader(request, name, value);
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    /// <summary>Adds a connector's header to <paramref name="request"/>, or to its content for a header that describes the
    /// body, as given: the rules of <see cref="HeaderRules"/> are judged elsewhere, where <c>fetch</c> reads its options and
    /// where every other connector request is sent (<see cref="ConnectorHttpHandler"/>: typed clients, a worker's relayed fetch).</summary>
    /// <exception cref="ArgumentException">The header describes a body and the request has none, or the name is not a header's.</exception>
    public static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        var content = request.Content;
        if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            content?.Headers.Remove("Content-Type"); // the connector's value wins over the encoder's default
            content?.Headers.TryAddWithoutValidation(name, value); // with no body there is nothing to type
        }
        else if (!request.Headers.TryAddWithoutValidation(name, value) && content?.Headers.TryAddWithoutValidation(name, value) != true)
        {
            throw FetchErrors.InvalidOptions([FetchErrors.BadHeader(name, "describes a body, and this request has none")]);
        }
    }

    private static ByteArrayContent? Content(FetchCallOptions options, string url, int maxBodyBytes)
    {
        var (bytes, defaultType) = options.Body switch
        {
            null => (null, null),
            string text => (Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8"),
            byte[] raw => (raw, null),
            ReadOnlyMemory<byte> memory => (memory.ToArray(), null),
            _ when IsForm(options.ContentType) => (FormBodyEncoder.Encode(options.Body), FormMediaType),
            _ => (JsonBodyWriter.Write(options.Body), "application/json"),
        };
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length > maxBodyBytes)
        {
            throw FetchErrors.RequestBodyTooLarge(options.Method, url, bytes.Length, maxBodyBytes);
        }

        var content = new ByteArrayContent(bytes);
        if (defaultType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(defaultType);
        }

        return content;
    }

    private static bool IsForm(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(FormMediaType, StringComparison.OrdinalIgnoreCase);
}
