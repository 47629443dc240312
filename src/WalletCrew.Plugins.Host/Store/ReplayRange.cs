namespace WalletCrew.Plugins.Host.Store;

/// <summary>Selects events to replay by when they were received: <c>[From, To)</c>, optionally one tenant (and one pass), in one status.</summary>
internal sealed record ReplayRange(string? TenantId, DateTimeOffset From, DateTimeOffset To, DeliveryStatus Status)
{
    /// <summary>Gets the one pass to replay, or null for every pass.</summary>
    public string? PassId { get; init; }
}
