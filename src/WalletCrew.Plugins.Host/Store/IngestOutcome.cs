namespace WalletCrew.Plugins.Host.Store;

/// <summary>What ingest committed.</summary>
/// <param name="EventId">The new event, or on a repeat the event that made the current state (null when there never was one).</param>
/// <param name="Created">Whether this call was a state transition that created <paramref name="EventId"/>.</param>
/// <param name="ActiveRegistrationCount">Active registrations of the pass after the change.</param>
/// <param name="TotalRegistrationCount">Registrations of the pass ever made, after the change.</param>
/// <param name="RepeatedNonce">Whether the command's <see cref="IngestCommand.Nonce"/> was seen before: nothing was written.</param>
/// <param name="TooManyRegistrations">Whether the command was an install past its <see cref="IngestCommand.MaxActiveRegistrations"/>: nothing was written.</param>
internal sealed record IngestOutcome(string? EventId, bool Created, int ActiveRegistrationCount, int TotalRegistrationCount, bool RepeatedNonce = false,
    bool TooManyRegistrations = false);
