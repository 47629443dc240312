using System.Net;
using System.Text;

namespace WalletCrew.Plugins.Testing;

/// <summary>
/// Wraps the engine's own handler (egress guard included): records every request a connector sends, answers it from the
/// canned answers when one matches, and otherwise sends it for real when the host allows the network, or fails it naming the route.
/// </summary>
internal sealed class PartnerHandler(HttpMessageHandler engineHandler, PartnerAnswers answers, RequestLog log, bool sendUnmatched)
    : DelegatingHandler(engineHandler)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URL.");
        var body = "";
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            headers[name] = string.Join(", ", values);
        }

        log.Add(new SentRequest(request.Method.Method, url.AbsoluteUri, headers, body));
        if (answers.Find(request.Method.Method, url) is { } answer)
        {
            return Respond(request, answer);
        }

        if (sendUnmatched)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        throw new HttpRequestException(
            $"No canned answer for {request.Method.Method} {url.AbsoluteUri}; give one with ConnectorTestHost.Answer, or set ConnectorTestOptions.SendUnmatchedRequests to reach a local stub.");
    }

    private static HttpResponseMessage Respond(HttpRequestMessage request, CannedAnswer answer)
    {
        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            RequestMessage = request,
            Content = new StringContent(answer.Body, Encoding.UTF8),
        };
        response.Content.Headers.ContentType = null;
        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
