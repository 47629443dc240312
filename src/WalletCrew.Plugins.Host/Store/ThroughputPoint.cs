namespace WalletCrew.Plugins.Host.Store;

/// <summary>Delivery attempts in the minute starting at <paramref name="Minute"/>: those that completed the event (delivered or skipped) and those that failed (a retry or a dead letter).</summary>
internal sealed record ThroughputPoint(DateTimeOffset Minute, long Completed, long Failed);
