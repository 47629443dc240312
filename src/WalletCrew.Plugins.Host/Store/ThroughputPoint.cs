namespace WalletCrew.Plugins.Host.Store;

/// <summary>How many events reached <paramref name="Status"/> in the minute starting at <paramref name="Minute"/>.</summary>
internal sealed record ThroughputPoint(DateTimeOffset Minute, DeliveryStatus Status, long Count);
