using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>Registers ProblemDetails, the JSON shape of responses and the API limits.</summary>
internal static class ApiExtensions
{
    public static IServiceCollection AddWalletCrewApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreFailureHandler>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return services;
    }

    /// <summary>
    /// <c>/health</c>: the process answers (liveness). <c>/health/ready</c>: the event store answers too, so a load balancer can
    /// stop sending ingest to a host that would only answer 503. Neither needs a key; neither says more than up or down.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous();
        routes.MapGet("/health/ready", ReadyAsync).AllowAnonymous();
        return routes;
    }

    private static async Task<IResult> ReadyAsync(IEventStore store, Tenants.ITenantRuntime tenants, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await store.PingAsync(timeout.Token).ConfigureAwait(false);
            // Where tenant code runs is part of readiness: an operator sees at once a host that fell back to in-process.
            return TypedResults.Ok(new { status = "ready", isolation = Engine.IsolationModes.Name(tenants.Isolation), workers = tenants.RunningWorkers, warning = tenants.IsolationWarning });
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ApiProblems.StoreNotReady();
        }
    }
}
