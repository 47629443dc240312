using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>The one map from scopes to authorization policies; endpoints name a policy, never a scope.</summary>
internal static class ApiPolicies
{
    /// <summary>Ingest, Fill, email and the pass registry: the platform's own calls.</summary>
    public const string Platform = "platform";

    /// <summary>The admin API's actions and host-wide views.</summary>
    public const string Admin = "admin";

    /// <summary>The admin API's read routes: an admin key, or a tenant key for its own tenant only.</summary>
    public const string TenantRead = "tenant-read";

    public static AuthorizationBuilder AddApiPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Platform, Require(new ScopeRequirement(ApiScope.Platform)))
        .AddPolicy(Admin, Require(new ScopeRequirement(ApiScope.Admin)))
        .AddPolicy(TenantRead, Require(new TenantReadRequirement()))
        // A route mapped without a policy is an admin route: a new endpoint never opens to a narrower key by accident.
        .SetFallbackPolicy(Require(new ScopeRequirement(ApiScope.Admin)));

    private static AuthorizationPolicy Require(IAuthorizationRequirement requirement) =>
        new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().AddRequirements(requirement).Build();
}
