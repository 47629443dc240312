using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Host.Wallets;

namespace WalletCrew.Plugins.Host.Admin;

/// <summary>
/// The operators' API under <c>/api/admin</c>: connectors, deliveries, dead letters, replay, queues, tenant logs, a pass's
/// wallet registrations and the Apple device logs. Its read routes also serve <c>tenant:{id}</c> keys, for their own tenant
/// only (<see cref="ApiPolicies.TenantRead"/>).
/// </summary>
internal static class AdminApi
{
    internal const int DefaultLimit = 100;
    internal const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var (read, operate) = Groups(routes, "/api/admin");

        // Read routes: an admin key sees every tenant; a tenant key only its own (another tenant's answers 403, lists are filtered).
        read.MapGet("/connectors", (string? tenantId, ClaimsPrincipal user, ITenantRuntime tenants) =>
            TypedResults.Ok(tenants.Describe().Where(Visible(user, tenantId, (TenantSnapshot s) => s.TenantId)).Select(ConnectorView.From).ToList()));
        read.MapGet("/deliveries", ListAsync);
        read.MapGet("/dead-letters", (string? tenantId, int? limit, ClaimsPrincipal user, IEventHistory store, CancellationToken ct) => ListAsync("dead", tenantId, null, limit, user, store, ct));
        read.MapGet("/deliveries/{eventId}", GetAsync);
        read.MapGet("/queues", QueuesAsync);
        read.MapGet("/tenants/{tenantId}/logs", LogsAsync);
        read.MapWalletViews();

        // Actions and host-wide views: admin keys only.
        operate.MapPost("/deliveries/{eventId}/replay", ReplayOneAsync);
        operate.MapPost("/replay", ReplayRangeAsync);
        operate.MapGet("/zombies", (ITenantRuntime tenants) => TypedResults.Ok(tenants.Zombies()));
        return routes;
    }

    /// <summary>
    /// The two groups every operators' route belongs to, each with its policy: <c>Read</c> serves admin keys and a tenant
    /// key for its own tenant (<see cref="ApiPolicies.TenantRead"/>); <c>Operate</c> admin keys only. There is no group
    /// without a policy to add a route to by mistake.
    /// </summary>
    internal static (RouteGroupBuilder Read, RouteGroupBuilder Operate) Groups(IEndpointRouteBuilder routes, string prefix) =>
        (routes.MapGroup(prefix).RequireAuthorization(ApiPolicies.TenantRead), routes.MapGroup(prefix).RequireAuthorization(ApiPolicies.Admin));

    private static Func<T, bool> Visible<T>(ClaimsPrincipal user, string? requested, Func<T, string> tenantOf) =>
        ScopeClaims.VisibleTenant(user, requested) is { } only ? item => tenantOf(item) == only : _ => true;

    private static async Task<Results<Ok<List<StoredEvent>>, ProblemHttpResult>> ListAsync(
        string? status, string? tenantId, string? passId, int? limit, ClaimsPrincipal user, IEventHistory store, CancellationToken cancellationToken)
    {
        DeliveryStatus? parsed = null;
        if (status is not null)
        {
            if (!DeliveryStatusNames.TryParse(status, out var s))
            {
                return ApiProblems.Invalid("status", $"'{status}' is not a delivery status: use pending, delivered, dead or skipped.");
            }

            parsed = s;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiProblems.Invalid("limit", $"'limit' must be between 1 and {MaxLimit}.");
        }

        var events = await store.ListAsync(new DeliveryQuery(ScopeClaims.VisibleTenant(user, tenantId), parsed is { } one ? [one] : null, passId, limit ?? DefaultLimit), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(events.ToList());
    }

    private static async Task<Results<Ok<StoredEvent>, ProblemHttpResult>> GetAsync(string eventId, IEventHistory store, CancellationToken cancellationToken) =>
        await store.GetAsync(eventId, cancellationToken).ConfigureAwait(false) is { } e
            ? TypedResults.Ok(e)
            : ApiProblems.NotFound("Unknown event", $"No event '{eventId}'.");

    private static async Task<Results<Accepted<StoredEvent>, ProblemHttpResult>> ReplayOneAsync(
        string eventId, IEventHistory store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        switch (await store.ReplayAsync(eventId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            case ReplayResult.NotFound:
                return ApiProblems.NotFound("Unknown event", $"No event '{eventId}'.");
            case ReplayResult.AlreadyPending:
                return ApiProblems.Conflict("Event is pending", $"Event '{eventId}' is still pending delivery; only delivered, dead or skipped events can be replayed.");
            default:
                signal.Notify();
                var replayed = await store.GetAsync(eventId, cancellationToken).ConfigureAwait(false);
                return TypedResults.Accepted($"/api/admin/deliveries/{eventId}", replayed);
        }
    }

    private static async Task<Results<Ok<ReplayCount>, ProblemHttpResult>> ReplayRangeAsync(
        HttpRequest request, IEventHistory store, DeliverySignal signal, TimeProvider time, IOptions<ApiOptions> api, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBodyReader.ReadAsync<ReplayRangeRequest>(request, api.Value.BodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var to = body!.To ?? now;
        if (body.From is null)
        {
            errors["from"] = ["'from' is required: the earliest receive time to replay (ISO 8601)."];
        }
        else if (body.From >= to)
        {
            errors["to"] = [$"'to' ({to:o}) must be after 'from' ({body.From:o})."];
        }

        var status = DeliveryStatus.Dead;
        if (body.Status is not null && (!DeliveryStatusNames.TryParse(body.Status, out status) || status == DeliveryStatus.Pending))
        {
            errors["status"] = [$"'{body.Status}' cannot be replayed: use dead, delivered or skipped."];
        }

        if (body.TenantId is not null)
        {
            RouteValues.CheckTenantId(body.TenantId, errors);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var count = await store.ReplayAsync(new ReplayRange(body.TenantId, body.From!.Value, to, status), now, cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return TypedResults.Ok(new ReplayCount(count));
    }

    private static async Task<Ok<List<QueueView>>> QueuesAsync(
        string? tenantId, ClaimsPrincipal user, IEventHistory store, ConnectorCircuits circuits, CancellationToken cancellationToken)
    {
        var states = circuits.States();
        var stats = await store.GetQueueStatsAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(stats.Where(Visible(user, tenantId, (TenantQueueStats s) => s.TenantId)).Select(s => new QueueView(s.TenantId, s.Pending, s.Dead, s.OldestPendingReceivedAt,
            states.TryGetValue(s.TenantId, out var state) ? state.ToString().ToLowerInvariant() : "closed")).ToList());
    }

    private static async Task<Results<Ok<IReadOnlyList<TenantLogRecord>>, ProblemHttpResult>> LogsAsync(
        string tenantId, int? limit, ITenantLog store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"'limit' must be between 1 and {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return TypedResults.Ok(await store.ReadLogAsync(tenantId, limit ?? DefaultLimit, cancellationToken).ConfigureAwait(false));
    }
}
