using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Sends a worker's HTTP request from the host, as the one egress chokepoint: the call counts toward the invocation's
/// limit here (whatever the worker counted), the headers are added as in-process <c>fetch</c> adds them
/// (<see cref="RequestBuilder.AddHeader"/>), and the request goes through the tenant's own fetch client, whose handler
/// judges the headers by the rules every connector request obeys (<see cref="HeaderRules"/>: a header only a forged call
/// could carry is refused as invalid, nothing is sent), then the egress guard, body limits and connection pool.
/// </summary>
internal static class SandboxFetchRelay
{
    public static async Task<FetchReply> SendAsync(FetchCall call, FetchClient client, SandboxInvocation invocation)
    {
        var used = invocation.CountCall();
        if (used > invocation.OutboundCallLimit)
        {
            var exceeded = LimitMessages.OutboundCallsExceeded(call.Url, invocation.OutboundCallLimit, used);
            return Failed(call, new FetchFailure(FetchFailureKind.Limit, exceeded.Message, exceeded.Limit, exceeded.Used, exceeded.Setting));
        }

        try
        {
            using var request = Build(call);
            using var invoker = new HttpMessageInvoker(client.CreateConnectorHandler(), disposeHandler: true);
            using var response = await invoker.SendAsync(request, invocation.CancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(invocation.CancellationToken).ConfigureAwait(false);
            var headers = response.Headers.Concat(response.Content.Headers)
                .SelectMany(h => h.Value.Select(v => new HeaderData(h.Key, v)))
                .ToList();
            return new FetchReply(call.Id, (int)response.StatusCode, response.ReasonPhrase, headers, body, null);
        }
        catch (EgressDeniedException denied)
        {
            return Failed(call, new FetchFailure(FetchFailureKind.Egress, denied.Message, Host: denied.Host, Port: denied.Port));
        }
        catch (LimitExceededException limit)
        {
            return Failed(call, new FetchFailure(FetchFailureKind.Limit, limit.Message, limit.Limit, limit.Used, limit.Setting));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or UriFormatException)
        {
            return Failed(call, new FetchFailure(FetchFailureKind.Invalid, exception.Message));
        }
        catch (OperationCanceledException)
        {
            return Failed(call, new FetchFailure(FetchFailureKind.Canceled, "The invocation ended before the request completed."));
        }
        catch (HttpRequestException exception)
        {
            return FetchClient.FindDenial(exception) is { } denied
                ? Failed(call, new FetchFailure(FetchFailureKind.Egress, denied.Message, Host: denied.Host, Port: denied.Port))
                : Failed(call, new FetchFailure(FetchFailureKind.Http, exception.Message));
        }
    }

    private static HttpRequestMessage Build(FetchCall call)
    {
        var request = new HttpRequestMessage(new HttpMethod(call.Method), FetchClient.ParseUrl(call.Url))
        {
            Content = call.Body is null ? null : new ByteArrayContent(call.Body),
        };
        foreach (var header in call.Headers.Where(h => !h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            RequestBuilder.AddHeader(request, header.Name, header.Value); // the body's own length is what is sent
        }

        return request;
    }

    private static FetchReply Failed(FetchCall call, FetchFailure failure) => new(call.Id, 0, null, [], null, failure);
}
