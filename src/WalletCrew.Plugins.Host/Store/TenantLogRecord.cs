namespace WalletCrew.Plugins.Host.Store;

/// <summary>One invocation's entry in the tenant log: what ran, how it ended, and what the connector wrote.</summary>
internal sealed record TenantLogRecord(
    string TenantId,
    DateTimeOffset At,
    string Kind,
    string? EventId,
    int? Attempt,
    string Status,
    long DurationMs,
    string? Error,
    IReadOnlyList<TenantLogLine> Entries);
