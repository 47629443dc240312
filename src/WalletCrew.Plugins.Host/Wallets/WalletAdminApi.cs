using Microsoft.AspNetCore.Http.HttpResults;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Wallets;

/// <summary>The admin API's wallet views: a pass's registrations and a tenant's Apple device logs (read routes, see <see cref="Admin.AdminApi"/>).</summary>
internal static class WalletAdminApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapWalletViews(this RouteGroupBuilder read)
    {
        read.MapGet("/tenants/{tenantId}/passes/{passId}/registrations", RegistrationsAsync);
        read.MapGet("/tenants/{tenantId}/device-logs", DeviceLogsAsync);
        return read;
    }

    private static async Task<Results<Ok<IReadOnlyList<PassRegistration>>, ProblemHttpResult>> RegistrationsAsync(string tenantId, string passId, IWalletStore wallets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        RouteValues.CheckId("passId", passId, errors);
        return errors.Count > 0
            ? ApiProblems.Invalid(errors)
            : TypedResults.Ok(await wallets.ListRegistrationsAsync(tenantId, passId, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<IReadOnlyList<DeviceLogEntry>>, ProblemHttpResult>> DeviceLogsAsync(string tenantId, int? limit, IWalletStore wallets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"'limit' must be between 1 and {MaxLimit}."];
        }

        return errors.Count > 0
            ? ApiProblems.Invalid(errors)
            : TypedResults.Ok(await wallets.ReadDeviceLogsAsync(tenantId, limit ?? DefaultLimit, cancellationToken).ConfigureAwait(false));
    }
}
