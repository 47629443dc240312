using Microsoft.Extensions.DependencyInjection;

namespace WalletCrew.Plugins.Host.Retention;

/// <summary>Registers the store pruner and its options.</summary>
internal static class RetentionExtensions
{
    public static IServiceCollection AddWalletCrewRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateSettings(RetentionOptions.Section);
        services.AddHostedService<StorePruner>();
        return services;
    }
}
