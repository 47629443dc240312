namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The durable event store and delivery queue. Implementations must let several hosts share one database:
/// claims are leases (owner and expiry) taken atomically, and every write by a worker is conditional on its lease.
/// </summary>
internal interface IEventStore : ILeaseStore
{
    /// <summary>
    /// Creates or upgrades the schema. A store that only one machine uses (SQLite) also gives back at once the leases of
    /// owners whose process is gone (<see cref="LeaseOwners.IsGone"/>); a shared store leaves them to expire.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs the cheapest round trip the store has; throws when the store cannot be reached (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Records an installation change in one transaction: registration, counts, per-pass sequence and event.</summary>
    Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Leases due events: only the lowest pending sequence of each pass, a few per tenant at a time.</summary>
    Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>Returns one event, or null.</summary>
    Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Lists events, newest first.</summary>
    Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Makes one event pending again with the same EventId, a fresh retry ladder and the replay mark.</summary>
    Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Makes every event in the range pending again; returns how many.</summary>
    Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Appends an invocation to the tenant log (Fill calls; deliveries write theirs with <see cref="CompleteAsync"/>).</summary>
    Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken);

    /// <summary>Returns the newest tenant log entries, newest first.</summary>
    Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="batchSize"/> delivered or skipped events completed before <paramref name="before"/>, and at
    /// most as many tenant log entries, Apple device log messages and wallet nonces written before it. Pending events, dead
    /// letters and registrations are kept.
    /// </summary>
    Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);

    /// <summary>Returns pending and dead counts per tenant.</summary>
    Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken);
}
