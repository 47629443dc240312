using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Passes every call to the real store; tests override the calls they break.</summary>
internal abstract class DelegatingEventStore(IEventStore inner) : IEventStore
{
    public virtual Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public virtual Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    public virtual Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken) => inner.IngestAsync(command, cancellationToken);

    public virtual Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => inner.ClaimAsync(request, cancellationToken);

    public virtual Task<bool> CompleteAsync(DeliveryOutcome outcome, CancellationToken cancellationToken) => inner.CompleteAsync(outcome, cancellationToken);

    public virtual Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> eventIds, DateTimeOffset until, CancellationToken cancellationToken) =>
        inner.RenewAsync(owner, eventIds, until, cancellationToken);

    public virtual Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken) => inner.ReleaseAsync(owner, eventIds, cancellationToken);

    public virtual Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken) => inner.GetAsync(eventId, cancellationToken);

    public virtual Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public virtual Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReplayAsync(eventId, now, cancellationToken);

    public virtual Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReplayAsync(range, now, cancellationToken);

    public virtual Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken) => inner.AppendLogAsync(record, cancellationToken);

    public virtual Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken) => inner.ReadLogAsync(tenantId, limit, cancellationToken);

    public virtual Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) => inner.PruneAsync(before, batchSize, cancellationToken);

    public virtual Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken) => inner.GetQueueStatsAsync(cancellationToken);
}
