using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>
/// <c>PUT|GET|DELETE /api/tenants/{tenantId}/passes/{passId}</c>: the passes the wallet routes know. The platform (or an
/// operator) puts a pass; operators read and delete.
/// </summary>
internal static class PassRegistryApi
{
    /// <summary>Pass ids the wallet routes use as path segments (<c>…/passes/apple/v1</c>, <c>…/passes/google</c>).</summary>
    private static readonly string[] s_reserved = ["apple", "google"];

    public static IEndpointRouteBuilder MapPassRegistry(this IEndpointRouteBuilder routes)
    {
        const string Pass = "/api/tenants/{tenantId}/passes/{passId}";
        routes.MapPut(Pass, PutAsync).RequireAuthorization(ApiPolicies.PassRegistry);
        routes.MapGet(Pass, GetAsync).RequireAuthorization(ApiPolicies.Admin);
        routes.MapDelete(Pass, DeleteAsync).RequireAuthorization(ApiPolicies.Admin);
        return routes;
    }

    private static async Task<Results<Created<PassView>, Ok<PassView>, ProblemHttpResult>> PutAsync(
        string tenantId, string passId, HttpRequest request, IWalletStore store, ITenantRuntime tenants, TimeProvider time,
        IOptions<WalletOptions> options, CancellationToken cancellationToken)
    {
        var errors = CheckRoute(tenantId, passId);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<PassRequest>(request, options.Value.PassRequestLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var pass = Validate(tenantId, passId, body!, now, errors);
        if (pass is null)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        PutPassResult result;
        try
        {
            result = await store.PutPassAsync(pass, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiProblems.StoreUnavailable();
        }

        if (result == PutPassResult.Conflict)
        {
            return ApiProblems.Conflict("Wallet ids in use", $"Another pass of tenant '{tenantId}' already has this Apple serial number and pass type identifier, or this Google object id.");
        }

        var stored = await store.GetPassAsync(tenantId, passId, cancellationToken).ConfigureAwait(false);
        var view = PassView.From(stored!);
        return result == PutPassResult.Created ? TypedResults.Created($"/api/tenants/{tenantId}/passes/{passId}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<PassView>, ProblemHttpResult>> GetAsync(string tenantId, string passId, IWalletStore store, CancellationToken cancellationToken) =>
        await store.GetPassAsync(tenantId, passId, cancellationToken).ConfigureAwait(false) is { } pass
            ? TypedResults.Ok(PassView.From(pass))
            : ApiProblems.NotFound("Unknown pass", $"Tenant '{tenantId}' has no pass '{passId}' in the registry.");

    // The pass's registrations and events stay: they are history, and the counts of a pass put again go on from them.
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string tenantId, string passId, IWalletStore store, CancellationToken cancellationToken) =>
        await store.DeletePassAsync(tenantId, passId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("Unknown pass", $"Tenant '{tenantId}' has no pass '{passId}' in the registry.");

    private static Dictionary<string, string[]> CheckRoute(string tenantId, string passId)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        RouteValues.CheckId("passId", passId, errors);
        if (s_reserved.Contains(passId, StringComparer.Ordinal))
        {
            errors["passId"] = [$"'{passId}' is reserved for the wallet routes; choose another pass id."];
        }

        return errors;
    }

    private static WalletPass? Validate(string tenantId, string passId, PassRequest body, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        RouteValues.CheckId("passType", body.PassType, errors);
        if (body.Identifiers is { Count: > 64 })
        {
            errors["identifiers"] = [$"'identifiers' has {body.Identifiers.Count} entries; at most 64 are accepted."];
        }

        if (body.RegistrationSource?.Tags is { Count: > 64 })
        {
            errors["registrationSource.tags"] = ["'registrationSource.tags' has more than 64 entries."];
        }

        if (body.Apple is null && body.Google is null)
        {
            errors["apple"] = ["Give 'apple' (serialNumber, passTypeIdentifier, authenticationToken), 'google' (classId, objectId) or both."];
        }

        if (body.Apple is { } apple)
        {
            RouteValues.CheckId("apple.serialNumber", apple.SerialNumber, errors);
            RouteValues.CheckId("apple.passTypeIdentifier", apple.PassTypeIdentifier, errors);
            RouteValues.CheckId("apple.authenticationToken", apple.AuthenticationToken, errors);
            if (apple.AuthenticationToken is { Length: < AuthenticationTokens.MinLength })
            {
                errors["apple.authenticationToken"] = [$"'apple.authenticationToken' must be at least {AuthenticationTokens.MinLength} characters, as in pass.json."];
            }

            if (apple.Pkpass is { Length: 0 })
            {
                errors["apple.pkpass"] = ["'apple.pkpass' is empty; give the signed .pkpass as base64, or leave it out."];
            }

            if (apple.Pkpass is null && apple.PkpassModifiedAt is not null)
            {
                errors["apple.pkpassModifiedAt"] = ["'apple.pkpassModifiedAt' is the time of 'apple.pkpass', which is missing."];
            }
        }

        if (body.Google is { } google)
        {
            RouteValues.CheckId("google.classId", google.ClassId, errors);
            RouteValues.CheckId("google.objectId", google.ObjectId, errors);
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var source = body.RegistrationSource is { } s ? new RegistrationSourceData(s.Tags ?? [], s.Medium, s.Origin, null) : null;
        return new WalletPass(
            TenantId: tenantId,
            PassId: passId,
            PassType: body.PassType!,
            Identifiers: body.Identifiers ?? [],
            Source: source,
            SerialNumber: body.Apple?.SerialNumber,
            PassTypeIdentifier: body.Apple?.PassTypeIdentifier,
            AuthenticationTokenHash: body.Apple is { AuthenticationToken: { } token } ? AuthenticationTokens.Hash(token) : null,
            GoogleClassId: body.Google?.ClassId,
            GoogleObjectId: body.Google?.ObjectId,
            Pkpass: body.Apple?.Pkpass,
            PkpassModifiedAt: body.Apple?.Pkpass is null ? null : body.Apple.PkpassModifiedAt ?? now,
            UpdatedAt: now);
    }
}
