using Microsoft.AspNetCore.Http.HttpResults;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Wallets.Passes;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>
/// <c>Authorization: ApplePass &lt;authenticationToken&gt;</c>: the caller is a device holding the pass with this pass type
/// identifier and serial number. An unknown pass and a wrong token are answered alike (401), so serial numbers cannot be probed.
/// </summary>
internal static class ApplePassAuthentication
{
    public const string Scheme = "ApplePass";

    /// <summary>
    /// Returns the pass when the request carries its token; otherwise (pass null) the answer to give: 401, or 503 when the
    /// store cannot be read (the device retries).
    /// </summary>
    public static async Task<(WalletPass? Pass, ProblemHttpResult? Problem)> AuthenticateAsync(
        HttpRequest request, IWalletStore store, string tenantId, string passTypeIdentifier, string serialNumber, CancellationToken cancellationToken)
    {
        string? header = request.Headers.Authorization;
        var token = header is not null && header.StartsWith(Scheme + " ", StringComparison.Ordinal) ? header[(Scheme.Length + 1)..].Trim() : "";
        if (token.Length == 0)
        {
            return (null, Unauthorized(request.HttpContext.Response));
        }

        WalletPass? pass;
        try
        {
            pass = await store.FindApplePassAsync(tenantId, passTypeIdentifier, serialNumber, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return (null, AppleWebServiceApi.StoreUnavailable(request.HttpContext.Response));
        }

        return pass is not null && AuthenticationTokens.Matches(token, pass.AuthenticationTokenHash)
            ? (pass, null)
            : (null, Unauthorized(request.HttpContext.Response));
    }

    private static ProblemHttpResult Unauthorized(HttpResponse response)
    {
        response.Headers.WWWAuthenticate = Scheme;
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: "Send the pass's authenticationToken as 'Authorization: ApplePass <token>' for a pass this tenant has registered.");
    }
}
