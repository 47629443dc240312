namespace WalletCrew.Plugins.Host.Store;

/// <summary>One installation change to record: the registration update and, on a state transition, a new event.</summary>
internal sealed record IngestCommand(
    string NewEventId,
    string TenantId,
    string PassId,
    string PassType,
    Device Device,
    string DeviceId,
    bool Installed,
    IReadOnlyDictionary<string, string> Identifiers,
    RegistrationSourceData? Source,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string? TraceParent = null);
