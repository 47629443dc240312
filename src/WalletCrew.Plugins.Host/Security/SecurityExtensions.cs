using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Registers Bearer API-key authentication and the scope policies; a route without a policy needs an admin key.</summary>
internal static class SecurityExtensions
{
    public static IServiceCollection AddWalletCrewAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>()
            .Configure(o => o.Keys = ApiKeyConfiguration.Read(configuration.GetSection(ApiKeyOptions.Section)))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddHostedService<ScopeWarning>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, TenantReadAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeForbiddenResultHandler>();
        services.AddAuthorizationBuilder().AddApiPolicies();
        return services;
    }
}
