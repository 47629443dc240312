using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Registers the delivery worker, its options, circuits and wake-up signal.</summary>
internal static class DeliveryExtensions
{
    public static IServiceCollection AddWalletCrewDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateSettings(DeliveryOptions.Section);
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<ConnectorCircuits>();
        services.AddHostedService<DeliveryWorker>();
        return services;
    }
}
