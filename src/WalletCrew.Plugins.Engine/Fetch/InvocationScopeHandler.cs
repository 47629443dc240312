using System.Runtime.ExceptionServices;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>
/// The outermost handler of every client tenant code sends through (<c>fetch</c> and <c>Context.CreateHttpClient</c>): it
/// counts the request toward the invocation's <c>OutboundCallsPerInvocation</c>, links the invocation's cancellation, and
/// hands the connector the egress denial instead of the handler's wrapper.
/// </summary>
/// <remarks>The one place an outbound call is counted, so no client can skip the limit. Redirects are followed below it and
/// count as one call; each hop still passes the egress guard.</remarks>
internal sealed class InvocationScopeHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = InvocationScope.Current;
        scope?.CountOutboundCall(request.RequestUri?.OriginalString ?? "");
        using var linked = scope is { CancellationToken.CanBeCanceled: true }
            ? CancellationTokenSource.CreateLinkedTokenSource(scope.CancellationToken, cancellationToken)
            : null;
        try
        {
            return await base.SendAsync(request, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (FetchClient.FindDenial(e) is { } denied)
        {
            ExceptionDispatchInfo.Throw(denied); // the guard's error is wrapped by the handler; the connector sees the cause
            throw;
        }
    }
}
