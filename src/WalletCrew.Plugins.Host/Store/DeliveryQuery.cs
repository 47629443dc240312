namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Filters for listing deliveries, newest first (receive time, then event id). <see cref="Statuses"/> null or empty means
/// every status. A page continues after <see cref="After"/> (keyset paging on the listing's order, never an offset).
/// </summary>
internal sealed record DeliveryQuery(string? TenantId, IReadOnlyCollection<DeliveryStatus>? Statuses, string? PassId, int Limit)
{
    /// <summary>Gets the earliest receive time listed (inclusive), or null for no lower bound.</summary>
    public DateTimeOffset? ReceivedFrom { get; init; }

    /// <summary>Gets the receive time the listing stops before (exclusive), or null for no upper bound.</summary>
    public DateTimeOffset? ReceivedBefore { get; init; }

    /// <summary>Gets the last row of the previous page; the page holds the rows after it in the listing's order.</summary>
    public DeliveryCursor? After { get; init; }
}
