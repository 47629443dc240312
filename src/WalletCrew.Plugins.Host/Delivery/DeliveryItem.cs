using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// One leased item the <see cref="DeliveryWorker"/> delivers, an installation event or an email: its retry state, the
/// queue its lease lives in, and the connector call. Both kinds share the worker's slots, limits, circuits and ladder.
/// </summary>
/// <param name="Kind"><c>event</c> or <c>email</c>: the metrics' kind and the log's wording.</param>
/// <param name="LogKind">The tenant log's kind for an attempt: <c>delivery</c> (events) or <c>email</c>.</param>
/// <param name="Subject">Says what it is in the host's log (the pass, the template).</param>
/// <param name="Invoke">Calls the tenant's connectors for attempt number <c>attempt</c>.</param>
internal sealed record DeliveryItem(
    string Id,
    string TenantId,
    int Attempts,
    int Failures,
    string? TraceParent,
    string Kind,
    string LogKind,
    string Subject,
    ILeaseStore Queue,
    LeaseHeartbeat Heartbeat,
    Func<int, CancellationToken, Task<HookOutcome>> Invoke);
