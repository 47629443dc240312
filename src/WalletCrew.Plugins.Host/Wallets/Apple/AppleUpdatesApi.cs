using Microsoft.AspNetCore.Http.HttpResults;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>How an Apple device learns which passes changed (the serials since a tag) and fetches the latest one.</summary>
internal static class AppleUpdatesApi
{
    // No Authorization: the device library identifier is the shared secret here (Apple's design).
    public static async Task<Results<Ok<SerialNumbersResponse>, NoContent, ProblemHttpResult>> SerialNumbersAsync(
        string tenantId, string deviceLibraryIdentifier, string passTypeIdentifier, string? passesUpdatedSince, HttpRequest request,
        IWalletStore wallets, CancellationToken cancellationToken)
    {
        if (AppleWebServiceApi.CheckRoute(tenantId, deviceLibraryIdentifier, passTypeIdentifier, serialNumber: null) is { } invalid)
        {
            return invalid;
        }

        DateTimeOffset? since = null;
        if (passesUpdatedSince is not null)
        {
            if (!AppleUpdateTags.TryParse(passesUpdatedSince, out var parsed))
            {
                return ApiProblems.Invalid("passesUpdatedSince", $"'{passesUpdatedSince}' is not a tag this service gave: milliseconds (or, from older tags, seconds) since the Unix epoch.");
            }

            since = parsed;
        }

        UpdatedSerials? updated;
        try
        {
            updated = await wallets.ListUpdatedSerialsAsync(tenantId, deviceLibraryIdentifier, passTypeIdentifier, since, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return AppleWebServiceApi.StoreUnavailable(request.HttpContext.Response);
        }

        return updated is null
            ? TypedResults.NoContent()
            : TypedResults.Ok(new SerialNumbersResponse(updated.SerialNumbers, AppleUpdateTags.Format(updated.LastUpdated)));
    }

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> LatestPassAsync(
        string tenantId, string passTypeIdentifier, string serialNumber, HttpRequest request, IWalletStore wallets, CancellationToken cancellationToken)
    {
        if (AppleWebServiceApi.CheckRoute(tenantId, deviceLibraryIdentifier: null, passTypeIdentifier, serialNumber) is { } invalid)
        {
            return invalid;
        }

        var (pass, refused) = await ApplePassAuthentication.AuthenticateAsync(request, wallets, tenantId, passTypeIdentifier, serialNumber, cancellationToken).ConfigureAwait(false);
        if (pass is null)
        {
            return refused!;
        }

        if (pass.Pkpass is null)
        {
            return ApiProblems.NotFound("No pass file", $"The platform has not put a .pkpass for serial number '{serialNumber}' yet.");
        }

        var lastModified = AppleConditionalGet.ToHttpPrecision(pass.PkpassModifiedAt ?? pass.UpdatedAt);
        request.HttpContext.Response.GetTypedHeaders().LastModified = lastModified;
        return AppleConditionalGet.IsUnchanged(request.Headers.IfModifiedSince, lastModified)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(pass.Pkpass, "application/vnd.apple.pkpass");
    }
}
