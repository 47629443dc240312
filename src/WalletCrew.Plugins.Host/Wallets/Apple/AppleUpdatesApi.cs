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

        // A tag this service never gave (a device that had the pass from the server this one replaced keeps sending that
        // server's) is read as no tag: the device gets every serial and a tag of ours. Refused, the device would ask with
        // it again and again, and never learn of a change.
        DateTimeOffset? since = passesUpdatedSince is not null && AppleUpdateTags.TryParse(passesUpdatedSince, out var parsed) ? parsed : null;

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
