namespace WalletCrew.Plugins.Host.Admin;

/// <summary>One tenant's queue and its circuit, as the admin API shows it.</summary>
internal sealed record QueueView(string TenantId, long Pending, long Dead, DateTimeOffset? OldestPendingReceivedAt, string Circuit);
