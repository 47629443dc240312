namespace WalletCrew.Plugins.Host.Store;

/// <summary>One installation change to record: the registration update and, on a state transition, a new event.</summary>
/// <param name="PushToken">An Apple registration's push token, saved (or updated) in the same transaction, transition or not.</param>
/// <param name="Nonce">A wallet message's id (Google's <c>nonce</c>): recorded per tenant in the same transaction; a nonce seen before changes nothing.</param>
/// <param name="MaxActiveRegistrations">The most active registrations the pass may have: an install past it writes nothing
/// (not even its push token) and is answered <see cref="IngestOutcome.TooManyRegistrations"/>; null for no bound.</param>
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
    string? TraceParent = null,
    ApplePushToken? PushToken = null,
    string? Nonce = null,
    int? MaxActiveRegistrations = null)
{
    /// <summary>Gets a value indicating whether the command writes even when it is no state transition.</summary>
    public bool WritesAlways => PushToken is not null || Nonce is not null;

    /// <summary>
    /// Gets how a transition changes its pass's registration counts (kept on the pass's row): an install opens a
    /// registration (one more active, one more in total), an uninstall closes the device's active one (one fewer active).
    /// </summary>
    public (int Active, int Total) CountChange => Installed ? (1, 1) : (-1, 0);
}
