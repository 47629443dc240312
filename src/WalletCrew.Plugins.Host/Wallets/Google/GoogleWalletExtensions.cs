using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>Registers the Google Wallet callback verifier and its settings (section <c>WalletCrew:Wallets:Google</c>, checked at start).</summary>
internal static class GoogleWalletExtensions
{
    public static IServiceCollection AddGoogleWallet(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GoogleWalletOptions>().Bind(configuration.GetSection(GoogleWalletDefaults.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GoogleWalletOptions>, GoogleWalletOptionsValidator>();
        services.AddSingleton<GoogleCallbackVerifier>();
        return services;
    }
}
