namespace WalletCrew.Plugins.Host.Store;

/// <summary>The console's reads beyond <see cref="IEventHistory"/>: replay previews, one event's attempts, and throughput.</summary>
internal interface IDeliveryInsights
{
    /// <summary>Counts the events of <paramref name="query"/> a replay would make pending again (its paging and limit are ignored).</summary>
    Task<long> CountReplayableAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Returns the tenant log entries of one event's deliveries, oldest first.</summary>
    Task<IReadOnlyList<TenantLogRecord>> ReadAttemptsAsync(string tenantId, string eventId, CancellationToken cancellationToken);

    /// <summary>Counts delivery attempts since <paramref name="since"/> per minute, completed and failed, for one tenant or all (from the tenant log).</summary>
    Task<IReadOnlyList<ThroughputPoint>> GetThroughputAsync(string? tenantId, DateTimeOffset since, CancellationToken cancellationToken);
}
