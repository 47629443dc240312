using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>The real store, with ingest failing on demand as a full disk or a locked database would.</summary>
internal sealed class FlakyStore(IEventStore inner) : IEventStore
{
    public volatile bool FailIngest;

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken) =>
        FailIngest ? throw new IOException("disk I/O error") : inner.IngestAsync(command, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => inner.ClaimAsync(request, cancellationToken);

    public Task<bool> CompleteAsync(DeliveryOutcome outcome, CancellationToken cancellationToken) => inner.CompleteAsync(outcome, cancellationToken);

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken) => inner.ReleaseAsync(owner, eventIds, cancellationToken);

    public Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken) => inner.GetAsync(eventId, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReplayAsync(eventId, now, cancellationToken);

    public Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReplayAsync(range, now, cancellationToken);

    public Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken) => inner.AppendLogAsync(record, cancellationToken);

    public Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken) => inner.ReadLogAsync(tenantId, limit, cancellationToken);

    public Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken) => inner.GetQueueStatsAsync(cancellationToken);
}
