using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WalletCrew.Plugins.Host.Admin;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Emails;

/// <summary>
/// The emails under <c>/api/admin/emails</c>: list (dead letters with <c>?status=dead</c>), one email, and replay (one by id,
/// or every dead email of a tenant). Reads also serve <c>tenant:{id}</c> keys for their own tenant; replays need an admin key.
/// </summary>
internal static class EmailAdminApi
{
    public static IEndpointRouteBuilder MapEmailAdmin(this IEndpointRouteBuilder routes)
    {
        var (read, operate) = AdminApi.Groups(routes, "/api/admin/emails");
        read.MapGet("", ListAsync);
        read.MapGet("/{emailId}", GetAsync);
        operate.MapPost("/{emailId}/replay", ReplayOneAsync);
        operate.MapPost("/replay", ReplayDeadAsync);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<StoredEmail>>, ProblemHttpResult>> ListAsync(
        string? status, string? tenantId, int? limit, ClaimsPrincipal user, IEmailStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        DeliveryStatus? parsed = null;
        if (status is not null)
        {
            if (DeliveryStatusNames.TryParse(status, out var s) && s != DeliveryStatus.Skipped)
            {
                parsed = s;
            }
            else
            {
                errors["status"] = [$"'{status}' is not an email status: use pending, delivered or dead."];
            }
        }

        if (limit is < 1 or > AdminApi.MaxLimit)
        {
            errors["limit"] = [$"'limit' must be between 1 and {AdminApi.MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await store.ListAsync(ScopeClaims.VisibleTenant(user, tenantId), parsed, limit ?? AdminApi.DefaultLimit, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<StoredEmail>, ProblemHttpResult>> GetAsync(string emailId, IEmailStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(emailId, cancellationToken).ConfigureAwait(false) is { } email
            ? TypedResults.Ok(email)
            : ApiProblems.NotFound("Unknown email", $"No email '{emailId}'.");

    private static async Task<Results<Accepted<StoredEmail>, ProblemHttpResult>> ReplayOneAsync(
        string emailId, IEmailStore store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        switch (await store.ReplayAsync(emailId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            case ReplayResult.NotFound:
                return ApiProblems.NotFound("Unknown email", $"No email '{emailId}'.");
            case ReplayResult.AlreadyPending:
                return ApiProblems.Conflict("Email is pending", $"Email '{emailId}' is still pending delivery; only delivered or dead emails can be replayed.");
            default:
                signal.Notify();
                return TypedResults.Accepted($"/api/admin/emails/{emailId}", await store.GetAsync(emailId, cancellationToken).ConfigureAwait(false));
        }
    }

    private static async Task<Results<Ok<ReplayCount>, ProblemHttpResult>> ReplayDeadAsync(
        string? tenantId, IEmailStore store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (tenantId is not null)
        {
            RouteValues.CheckTenantId(tenantId, errors);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var count = await store.ReplayDeadAsync(tenantId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return TypedResults.Ok(new ReplayCount(count));
    }
}
