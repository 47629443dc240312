using System.Security.Claims;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Reads the scopes of the authenticated key from its principal.</summary>
internal static class ScopeClaims
{
    public static bool Has(this ClaimsPrincipal user, ApiScope scope) => user.HasClaim(ApiScope.ClaimType, scope.Name);

    /// <summary>Returns the tenant of the key's <c>tenant:{id}</c> scope, or null when it has none.</summary>
    public static string? TenantOf(ClaimsPrincipal user) =>
        user.FindAll(ApiScope.ClaimType).Select(c => ApiScope.TryParse(c.Value, out var s, out _) ? s.TenantId : null).FirstOrDefault(t => t is not null);

    /// <summary>
    /// The tenant a listing shows: the requested one for an admin key; for a tenant key its own tenant, whether the
    /// filter was left out or named it (the <see cref="ApiPolicies.TenantRead"/> policy has refused any other).
    /// </summary>
    public static string? VisibleTenant(ClaimsPrincipal user, string? requested) =>
        user.Has(ApiScope.Admin) ? requested : TenantOf(user) ?? requested;
}
