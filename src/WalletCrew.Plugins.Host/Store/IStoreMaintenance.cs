namespace WalletCrew.Plugins.Host.Store;

/// <summary>The store's own upkeep: schema, readiness, retention.</summary>
internal interface IStoreMaintenance
{
    /// <summary>
    /// Creates or upgrades the schema. A store that only one machine uses (SQLite) also gives back at once the leases of
    /// owners whose process is gone (<see cref="LeaseOwners.IsGone"/>); a shared store leaves them to expire.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs the cheapest round trip the store has; throws when the store cannot be reached (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="batchSize"/> delivered or skipped events completed before <paramref name="before"/>, and at
    /// most as many tenant log entries, Apple device log messages and wallet nonces written before it. Pending events, dead
    /// letters and registrations are kept.
    /// </summary>
    Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken);
}
