namespace WalletCrew.Plugins.Host.Store;

/// <summary>What operators read and redo: events, replays, queue counts.</summary>
internal interface IEventHistory
{
    /// <summary>Returns one event, or null.</summary>
    Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Lists events, newest first.</summary>
    Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Makes one event pending again with the same EventId, a fresh retry ladder and the replay mark.</summary>
    Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Makes every event in the range pending again; returns how many.</summary>
    Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns pending and dead counts per tenant.</summary>
    Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken);
}
