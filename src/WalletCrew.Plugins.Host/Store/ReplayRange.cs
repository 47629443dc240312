namespace WalletCrew.Plugins.Host.Store;

/// <summary>Selects events to replay by when they were received: <c>[From, To)</c>, optionally one tenant, in one status.</summary>
internal sealed record ReplayRange(string? TenantId, DateTimeOffset From, DateTimeOffset To, DeliveryStatus Status);
