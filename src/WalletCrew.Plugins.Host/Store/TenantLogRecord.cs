namespace WalletCrew.Plugins.Host.Store;

/// <summary>One invocation's entry in the tenant log: what ran, how it ended, what the connector wrote, and which stored tenant version ran it (null for a tenant served from its folder).</summary>
internal sealed record TenantLogRecord(
    string TenantId,
    DateTimeOffset At,
    string Kind,
    string? EventId,
    int? Attempt,
    string Status,
    long DurationMs,
    string? Error,
    IReadOnlyList<TenantLogLine> Entries,
    long? TenantVersion = null);
