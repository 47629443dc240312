namespace WalletCrew.Plugins.Host.Store;

/// <summary>Selects events to replay by when they were received: <c>[From, To)</c>, optionally one tenant (and one pass), in one status.</summary>
internal sealed record ReplayRange(string? TenantId, DateTimeOffset From, DateTimeOffset To, DeliveryStatus Status)
{
    /// <summary>
    /// The most events one transaction of a range's replay changes: a range of any size is replayed batch after batch, so
    /// ingest, claims and completions go on between its transactions instead of waiting for one as large as the range.
    /// </summary>
    public const int Batch = 500;

    /// <summary>Gets the one pass to replay, or null for every pass.</summary>
    public string? PassId { get; init; }
}
