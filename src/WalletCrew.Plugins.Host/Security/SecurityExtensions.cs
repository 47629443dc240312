using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Registers Bearer API-key authentication; every endpoint requires it unless it allows anonymous access.</summary>
internal static class SecurityExtensions
{
    public static IServiceCollection AddWalletCrewAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>()
            .Configure(o => o.Keys = ReadKeys(configuration.GetSection(ApiKeyOptions.Section)))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyValidator>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }

    // Accepts the array form (WalletCrew:ApiKeys:0) and, for convenience, a single value (WalletCrew:ApiKeys).
    private static List<string> ReadKeys(IConfigurationSection section) =>
        section.Value is { } single ? [single] : [.. section.GetChildren().Select(c => c.Value).OfType<string>()];
}
