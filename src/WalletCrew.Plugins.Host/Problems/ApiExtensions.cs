using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>Registers ProblemDetails, the JSON shape of responses and the API limits.</summary>
internal static class ApiExtensions
{
    public static IServiceCollection AddWalletCrewApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreFailureHandler>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateSettings(ApiOptions.Section);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return services;
    }
}
