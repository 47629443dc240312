using Microsoft.Extensions.DependencyInjection;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>Registers the tenant files API's services and the sync that keeps this host on the newest stored versions.</summary>
internal static class TenantFileExtensions
{
    public static IServiceCollection AddWalletCrewTenantFiles(this IServiceCollection services)
    {
        services.AddOptions<TenantFileOptions>().BindConfiguration(TenantFileOptions.Section).ValidateSettings(TenantFileOptions.Section);
        services.AddSingleton<TenantVersions>();
        services.AddHostedService<TenantFileSync>();
        return services;
    }
}
