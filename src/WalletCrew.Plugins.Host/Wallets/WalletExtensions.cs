using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Wallets.Apple;
using WalletCrew.Plugins.Host.Wallets.Google;
using WalletCrew.Plugins.Host.Wallets.Passes;

namespace WalletCrew.Plugins.Host.Wallets;

/// <summary>Registers and maps the pass registry and the wallet routes.</summary>
internal static class WalletExtensions
{
    public static IServiceCollection AddWalletCrewWallets(this IServiceCollection services)
    {
        services.AddOptions<WalletOptions>().BindConfiguration(WalletOptions.Section).ValidateSettings(WalletOptions.Section);
        services.AddRateLimiter(o => o.AddAppleLogLimit());
        return services;
    }

    public static IEndpointRouteBuilder MapWallets(this IEndpointRouteBuilder routes) => routes.MapPassRegistry().MapAppleWebService().MapGoogleCallback();
}
