namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The calls a worker makes on items it leased from a queue (events, emails): one delivery loop, heartbeat and shutdown
/// serve both. Every call is conditional on the caller's lease.
/// </summary>
internal interface ILeaseStore
{
    /// <summary>Writes how a leased delivery ended, with its tenant log entry, and releases the lease; ignored when the caller no longer holds it.</summary>
    Task<bool> CompleteAsync(DeliveryOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the owner's leases of these items to <paramref name="until"/> (the worker's heartbeat while connectors run) and
    /// returns the ids it still held; an item whose lease another owner took is not renewed and not returned.
    /// </summary>
    Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> ids, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives leased items back untouched (used on shutdown).</summary>
    Task ReleaseAsync(string owner, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);
}
