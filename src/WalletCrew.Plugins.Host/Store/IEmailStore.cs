namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The durable email queue beside the events: the same statuses, retry fields and leases (claims are leases taken atomically,
/// every worker write is conditional on its lease), with no per-pass order. Lives in the event store's database.
/// </summary>
internal interface IEmailStore : ILeaseStore
{
    /// <summary>Stores a pending email in one transaction; with an idempotency key already stored for the tenant, stores nothing and returns that email.</summary>
    Task<EmailAdded> AddAsync(StoredEmail email, CancellationToken cancellationToken);

    /// <summary>Leases due emails, a few per tenant at a time, oldest due first.</summary>
    Task<IReadOnlyList<StoredEmail>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>Returns one email, or null.</summary>
    Task<StoredEmail?> GetAsync(string emailId, CancellationToken cancellationToken);

    /// <summary>Lists emails, newest first.</summary>
    Task<IReadOnlyList<StoredEmail>> ListAsync(string? tenantId, DeliveryStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>Makes one email pending again with the same EmailId, a fresh retry ladder and the replay mark.</summary>
    Task<ReplayResult> ReplayAsync(string emailId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Makes every dead email (of one tenant, or all) pending again; returns how many.</summary>
    Task<int> ReplayDeadAsync(string? tenantId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="batchSize"/> delivered emails completed before <paramref name="before"/>; pending and dead ones are kept.</summary>
    Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);
}
