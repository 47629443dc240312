using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>The one map from scopes to authorization policies; endpoints name a policy, never a scope.</summary>
internal static class ApiPolicies
{
    /// <summary>Ingest, Fill, email and the pass registry: the platform's own calls.</summary>
    public const string Platform = "platform";

    /// <summary>The pass registry's writes: the platform puts its passes, an operator may too.</summary>
    public const string PassRegistry = "pass-registry";

    /// <summary>
    /// The tenant files API: the platform's configuration UI, an operator, and a tenant's own CI with a
    /// <c>tenant-files:{id}</c> key on that tenant's files only.
    /// </summary>
    public const string TenantFiles = "tenant-files";

    /// <summary>The admin API's actions and host-wide views.</summary>
    public const string Admin = "admin";

    /// <summary>The admin API's read routes: an admin key, or a tenant key for its own tenant only.</summary>
    public const string TenantRead = "tenant-read";

    /// <summary>The console's pages, signed in by cookie: an admin key, or a tenant key for its own tenant only.</summary>
    public const string ConsoleRead = "console-read";

    /// <summary>The console's actions (replay), signed in by cookie: admin keys only.</summary>
    public const string ConsoleAdmin = "console-admin";

    public static AuthorizationBuilder AddApiPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Platform, Require(new ScopeRequirement(ApiScope.Platform)))
        .AddPolicy(PassRegistry, Require(new ScopeRequirement(ApiScope.Platform, ApiScope.Admin)))
        .AddPolicy(TenantFiles, Require(new ScopeRequirement([ApiScope.Platform, ApiScope.Admin], ApiScope.TenantFiles)))
        .AddPolicy(Admin, Require(new ScopeRequirement(ApiScope.Admin)))
        .AddPolicy(TenantRead, Require(new TenantReadRequirement()))
        .AddPolicy(ConsoleRead, Require(new TenantReadRequirement(), Console.ConsoleCookie.Scheme))
        .AddPolicy(ConsoleAdmin, Require(new ScopeRequirement(ApiScope.Admin), Console.ConsoleCookie.Scheme))
        // A route mapped without a policy is an admin route: a new endpoint never opens to a narrower key by accident.
        .SetFallbackPolicy(Require(new ScopeRequirement(ApiScope.Admin)));

    /// <summary>
    /// The wallet routes (Apple Wallet web service, Google Wallet callback) answer to the wallets' own authentication, never
    /// an API key: they opt out of the policies here, and each handler authenticates its caller itself.
    /// </summary>
    public static TBuilder UseWalletAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AllowAnonymous();

    private static AuthorizationPolicy Require(IAuthorizationRequirement requirement, string scheme = ApiKeyAuthenticationHandler.SchemeName) =>
        new AuthorizationPolicyBuilder(scheme).RequireAuthenticatedUser().AddRequirements(requirement).Build();
}
