using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// The key must carry one of these scopes, or, when <paramref name="routeTenant"/> is given, the scope it makes of the
/// route's <c>{tenantId}</c> (a <c>tenant-files:{id}</c> key on its own tenant's files).
/// </summary>
internal sealed class ScopeRequirement(ApiScope[] anyOf, Func<string, ApiScope>? routeTenant = null) : IAuthorizationRequirement
{
    public ScopeRequirement(params ApiScope[] anyOf)
        : this(anyOf, null)
    {
    }

    /// <summary>The scopes that grant this requirement on a request whose route names <paramref name="tenantId"/> (or none).</summary>
    public IReadOnlyList<ApiScope> For(string? tenantId) =>
        routeTenant is not null && tenantId is not null ? [.. anyOf, routeTenant(tenantId)] : anyOf;
}
