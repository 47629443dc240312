using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary><c>POST /api/tenants/{tenantId}/passes/{passId}/installations</c>: validate, commit, then answer 202; never calls a connector inline.</summary>
internal static class IngestionApi
{
    public static IServiceCollection AddWalletCrewIngestion(this IServiceCollection services) => services.AddSingleton<InstallationRecorder>();

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/tenants/{tenantId}/passes/{passId}/installations", IngestAsync).WithName("IngestInstallation").RequireAuthorization(ApiPolicies.Platform);
        return routes;
    }

    private static async Task<Results<Accepted<IngestResponse>, ProblemHttpResult>> IngestAsync(
        string tenantId,
        string passId,
        HttpRequest request,
        InstallationRecorder recorder,
        ITenantRuntime tenants,
        TimeProvider time,
        IOptions<ApiOptions> api,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        RouteValues.CheckId("passId", passId, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<InstallationRequest>(request, api.Value.BodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var command = Validate(tenantId, passId, body!, time.GetUtcNow(), errors);
        if (command is null)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        if (await recorder.RecordAsync(command, request.HttpContext.Response, cancellationToken).ConfigureAwait(false) is not { } outcome)
        {
            return ApiProblems.StoreUnavailable();
        }

        var response = new IngestResponse(outcome.EventId, outcome.Created, outcome.ActiveRegistrationCount, outcome.TotalRegistrationCount);
        return TypedResults.Accepted(outcome.EventId is null ? (string?)null : $"/api/admin/deliveries/{outcome.EventId}", response);
    }

    private static IngestCommand? Validate(string tenantId, string passId, InstallationRequest body, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        Device device = default;
        if (body.Device is null)
        {
            errors["device"] = [$"'device' is required: '{DeviceNames.Apple}' or '{DeviceNames.Google}'."];
        }
        else if (!DeviceNames.TryParse(body.Device, out device))
        {
            errors["device"] = [$"'{body.Device}' is not a device: use '{DeviceNames.Apple}' or '{DeviceNames.Google}'."];
        }

        if (body.Installed is null)
        {
            errors["installed"] = ["'installed' is required: true for an install, false for an uninstall."];
        }

        RouteValues.CheckId("passType", body.PassType, errors);
        RouteValues.CheckId("deviceId", body.DeviceId, errors, required: false);
        if (body.Identifiers is { Count: > 64 })
        {
            errors["identifiers"] = [$"'identifiers' has {body.Identifiers.Count} entries; at most 64 are accepted."];
        }

        if (body.RegistrationSource?.Tags is { Count: > 64 })
        {
            errors["registrationSource.tags"] = ["'registrationSource.tags' has more than 64 entries."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var source = body.RegistrationSource is { } s ? new RegistrationSourceData(s.Tags ?? [], s.Medium, s.Origin, s.UserAgent) : null;
        return new IngestCommand(
            NewEventId: EventIds.New(now),
            TenantId: tenantId,
            PassId: passId,
            PassType: body.PassType!,
            Device: device,
            DeviceId: body.DeviceId ?? DeviceNames.ToWire(device),
            Installed: body.Installed!.Value,
            Identifiers: body.Identifiers ?? [],
            Source: source,
            OccurredAt: body.OccurredAt ?? now,
            ReceivedAt: now);
    }

}
