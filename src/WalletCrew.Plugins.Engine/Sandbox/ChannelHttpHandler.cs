using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The worker's only way out: every request its connectors send (<c>fetch</c>, typed clients) is handed to the host, which
/// applies the tenant's egress rules, limits and connection pool and sends it. The worker has no network of its own.
/// </summary>
/// <remarks>Failures come back as the exceptions in-process code would see, so a connector behaves the same in both modes.</remarks>
internal sealed class ChannelHttpHandler(WorkerLoop loop) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .SelectMany(h => h.Value.Select(v => new HeaderData(h.Key, v)))
            .ToList();
        var invocation = WorkerInvocation.Current;
        var url = request.RequestUri?.ToString() ?? "";
        var reply = await loop.CallAsync<FetchReply>(id => new FetchCall(id, invocation, request.Method.Method, url, headers, body), cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure)
        {
            throw Rethrow(failure, request.Method.Method, url);
        }

        var response = new HttpResponseMessage((HttpStatusCode)reply.Status)
        {
            RequestMessage = request,
            ReasonPhrase = reply.Reason,
            Content = new ByteArrayContent(reply.Body ?? []),
        };
        foreach (var header in reply.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header.Name, header.Value))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Name, header.Value);
            }
        }

        return response;
    }

    private static Exception Rethrow(FetchFailure failure, string method, string url) => failure.Kind switch
    {
        FetchFailureKind.Egress => new EgressDeniedException(failure.Message, failure.Host ?? "", failure.Port, null, null),
        FetchFailureKind.Limit when failure.Setting == LimitMessages.OutboundCallsSetting => new InvocationLimitExceededException(failure.Message, failure.Limit, failure.Used, failure.Setting),
        FetchFailureKind.Limit => new FetchLimitExceededException(failure.Message, failure.Limit, failure.Used, failure.Setting ?? ""),
        FetchFailureKind.Invalid => new ArgumentException(failure.Message),
        FetchFailureKind.Canceled => new OperationCanceledException(failure.Message),
        _ => new HttpRequestException($"{method} {url} failed: {failure.Message}"),
    };
}
