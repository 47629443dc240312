namespace WalletCrew.Plugins.Host.Store;

/// <summary>One tenant's queue: pending and dead events and the age of the oldest pending one.</summary>
internal sealed record TenantQueueStats(string TenantId, long Pending, long Dead, DateTimeOffset? OldestPendingReceivedAt);
