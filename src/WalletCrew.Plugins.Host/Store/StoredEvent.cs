namespace WalletCrew.Plugins.Host.Store;

/// <summary>An installation event as stored, with its delivery state.</summary>
internal sealed record StoredEvent(
    string EventId,
    string TenantId,
    string PassId,
    long Seq,
    string PassType,
    Device Device,
    string DeviceId,
    bool Installed,
    IReadOnlyDictionary<string, string> Identifiers,
    RegistrationSourceData? Source,
    int ActiveRegistrationCount,
    int TotalRegistrationCount,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    DeliveryStatus Status,
    int Attempts,
    int Failures,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? CompletedAt,
    bool IsReplay,
    string? TraceParent = null);
