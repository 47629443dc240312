using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Health;

/// <summary>The health routes a load balancer or an orchestrator polls.</summary>
internal static class HealthApi
{
    /// <summary>
    /// <c>/health</c>: the process answers (liveness). <c>/health/ready</c>: the event store answers too, so a load balancer can
    /// stop sending ingest to a host that would only answer 503; its body also names where tenant code runs (isolation,
    /// running workers, the fallback warning) and what bounds each worker (the sandbox's layers, and why one is missing). Neither needs a key, and neither says anything of a tenant.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous();
        routes.MapGet("/health/ready", ReadyAsync).AllowAnonymous();
        return routes;
    }

    private static async Task<IResult> ReadyAsync(IStoreMaintenance store, Tenants.ITenantRuntime tenants, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await store.PingAsync(timeout.Token).ConfigureAwait(false);
            // Where tenant code runs is part of readiness: an operator sees at once a host that fell back to in-process, or
            // whose workers lack a layer (no cgroup to write, no libseccomp).
            return TypedResults.Ok(new { status = "ready", isolation = Engine.IsolationModes.Name(tenants.Isolation), workers = tenants.RunningWorkers, warning = tenants.IsolationWarning, sandbox = tenants.SandboxLayers });
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ApiProblems.StoreNotReady();
        }
    }
}
