using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>Registers the tenant registry (the engine seam), its settings and the configuration secret source.</summary>
internal static class TenantExtensions
{
    public static IServiceCollection AddWalletCrewTenants(this IServiceCollection services, HostSettings settings)
    {
        services.AddSingleton(settings);
        services.AddOptions<EngineSettings>().BindConfiguration(EngineSettings.Section).ValidateSettings(EngineSettings.Section);
        services.TryAddSingleton<Engine.ISecretSource, ConfigurationSecretSource>();
        services.AddSingleton<TenantRegistry>();
        services.TryAddSingleton<ITenantRuntime>(sp => sp.GetRequiredService<TenantRegistry>());
        services.AddHostedService(sp => sp.GetRequiredService<TenantRegistry>());
        return services;
    }
}
