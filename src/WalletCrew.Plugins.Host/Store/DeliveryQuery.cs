namespace WalletCrew.Plugins.Host.Store;

/// <summary>Filters for listing deliveries, newest first.</summary>
internal sealed record DeliveryQuery(string? TenantId, DeliveryStatus? Status, string? PassId, int Limit);
