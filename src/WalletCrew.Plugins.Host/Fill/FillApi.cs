using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Fill;

/// <summary>
/// <c>POST /api/tenants/{tenantId}/customer-providers/{name}/fill</c>: 200 with the data, 404 unknown tenant or provider,
/// 504 on timeout, 429 with <c>Retry-After</c> when the tenant is at its concurrency limit (nothing ran), 502 when the connector fails. The connector's error goes to the tenant log, never to the caller.
/// </summary>
internal static class FillApi
{
    public static IEndpointRouteBuilder MapFill(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/tenants/{tenantId}/customer-providers/{name}/fill", FillAsync).WithName("Fill").RequireAuthorization(ApiPolicies.Platform);
        return routes;
    }

    private static async Task<Results<Ok<FillResponse>, ProblemHttpResult>> FillAsync(
        string tenantId,
        string name,
        HttpRequest request,
        ITenantLog store,
        ITenantRuntime tenants,
        TimeProvider time,
        IOptions<ApiOptions> api,
        IOptions<EngineSettings> engine,
        HostMetrics metrics,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        RouteValues.CheckId("name", name, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<FillRequestBody>(request, api.Value.BodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        RouteValues.CheckId("passId", body!.PassId, errors);
        RouteValues.CheckId("passType", body.PassType, errors, required: false);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        using var activity = HostTelemetry.Source.StartActivity("wcp.fill");
        activity?.SetTag("wcp.tenant_id", tenantId).SetTag("wcp.provider", name);
        var fill = ConnectorInputs.Fill(tenantId, body.PassId!, body.PassType ?? "", body.Identifiers ?? [], body.Data ?? []);
        var started = Stopwatch.GetTimestamp();
        var outcome = await tenants.FillAsync(tenantId, name, fill, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Invocation("fill", tenantId, elapsed);

        if (outcome.Status is not (HookStatus.NotRegistered or HookStatus.UnknownTenant))
        {
            await store.AppendLogAsync(new TenantLogRecord(tenantId, time.GetUtcNow(), "fill", null, null, outcome.Status.ToString().ToLowerInvariant(),
                (long)elapsed.TotalMilliseconds, outcome.Error, [.. outcome.Log.Select(l => new TenantLogLine(l.Level.ToString(), l.Message))], outcome.TenantVersion), CancellationToken.None).ConfigureAwait(false);
        }

        return outcome.Status switch
        {
            HookStatus.Succeeded => TypedResults.Ok(new FillResponse(outcome.Data ?? [])),
            HookStatus.UnknownTenant => ApiProblems.UnknownTenant(tenantId),
            HookStatus.NotRegistered => ApiProblems.NotFound("Unknown customer provider", outcome.Error ?? $"Tenant '{tenantId}' has no customer provider named '{name}'."),
            HookStatus.TimedOut => ApiProblems.Timeout(
                $"Customer provider '{name}' of tenant '{tenantId}' did not finish within {(tenants.Limits(tenantId)?.InvocationTimeout ?? engine.Value.InvocationTimeout).TotalSeconds:0.###} s "
                + $"(limits.invocationTimeoutSeconds in tenant.json, else the host's {EngineSettings.Section}:InvocationTimeout)."),
            HookStatus.Rejected => ApiProblems.TenantBusy(request.HttpContext.Response,
                $"Tenant '{tenantId}' is at its limit of concurrent invocations; customer provider '{name}' did not run (limits.concurrentInvocations in tenant.json). Retry after the Retry-After delay."),
            _ => ApiProblems.ConnectorFailed(
                $"Customer provider '{name}' of tenant '{tenantId}' failed. The error is in the tenant log: GET /api/admin/tenants/{tenantId}/logs."),
        };
    }
}
