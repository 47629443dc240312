using System.Security.Claims;
using WalletCrew.Plugins.Host.Security;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>Who is signed in to the console: the key's configuration path, and either admin or the one tenant it may read.</summary>
internal sealed class ConsoleViewer(ClaimsPrincipal user)
{
    public string Name => user.Identity?.Name ?? "";

    public bool IsAdmin => user.Has(ApiScope.Admin);

    public string? Tenant => ScopeClaims.TenantOf(user);

    public string Scope => IsAdmin ? ApiScope.AdminName : ApiScope.TenantPrefix + Tenant;

    /// <summary>The tenant a view shows: the requested one for an admin, the viewer's own for a tenant key.</summary>
    public string? Visible(string? requested) => ScopeClaims.VisibleTenant(user, requested);
}
