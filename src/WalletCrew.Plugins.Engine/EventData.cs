namespace WalletCrew.Plugins.Engine;

/// <summary>
/// A <see cref="PassInstallationEvent"/>'s data, flat: what <see cref="ConnectorInputs"/> creates the event from, and the event
/// on the worker channel's wire. <c>Tags</c> is <see langword="null"/> when the event has no registration source.
/// </summary>
internal sealed record EventData(
    string EventId,
    string TenantId,
    string PassId,
    string PassType,
    IReadOnlyDictionary<string, string> Identifiers,
    Device Device,
    bool Installed,
    int ActiveRegistrationCount,
    int TotalRegistrationCount,
    IReadOnlyList<string>? Tags,
    string? Medium,
    string? Origin,
    string? UserAgent,
    DateTimeOffset OccurredAt,
    int Attempt);
