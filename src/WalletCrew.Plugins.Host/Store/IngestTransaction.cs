namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction, decided once for every store: read the device's registration; when the change is a state
/// transition, write it (the registration, the pass's next sequence number and the event carrying the registration counts
/// after it); otherwise answer with the event that made the current state. A wallet message's nonce is claimed first, in
/// the same transaction (a nonce seen before ends it with nothing written), and an Apple push token is saved on every
/// registration. Each store supplies the statements, grouped as few round trips as its engine allows; the caller owns the
/// transaction and commits when <see cref="IngestOutcome.Created"/> or <see cref="IngestCommand.WritesAlways"/>, unless
/// <see cref="IngestOutcome.RepeatedNonce"/>.
/// </summary>
internal abstract class IngestTransaction
{
    public async Task<IngestOutcome> RunAsync(IngestCommand command, CancellationToken cancellationToken)
    {
        var current = await LockPassAndReadRegistrationAsync(command, cancellationToken).ConfigureAwait(false);
        if (command.Nonce is not null && !await ClaimNonceAsync(command, cancellationToken).ConfigureAwait(false))
        {
            return new IngestOutcome(null, false, 0, 0, RepeatedNonce: true);
        }

        var transition = TransitionGeneration(command, current);
        if (transition is not null && command.MaxActiveRegistrations is not null)
        {
            var (active, total) = await CountAsync(command, cancellationToken).ConfigureAwait(false);
            if (Exceeds(command, transition, active))
            {
                return TooMany(active, total);
            }
        }

        if (command.PushToken is not null)
        {
            await SavePushTokenAsync(command, cancellationToken).ConfigureAwait(false);
        }

        if (transition is not { } generation)
        {
            var (active, total) = await CountAsync(command, cancellationToken).ConfigureAwait(false);
            return Repeat(command, current, active, total);
        }

        var counts = await WriteTransitionAsync(command, generation, cancellationToken).ConfigureAwait(false);
        return new IngestOutcome(command.NewEventId, true, counts.Active, counts.Total);
    }

    /// <summary>
    /// Null when <paramref name="command"/> is no state transition of the device's <paramref name="current"/> registration;
    /// otherwise the generation it writes: an install opens a new one, an uninstall closes the current one.
    /// </summary>
    internal static long? TransitionGeneration(IngestCommand command, CurrentRegistration? current) =>
        command.Installed == (current?.Active ?? false) ? null
        : command.Installed ? (current?.Generation ?? 0) + 1
        : current!.Generation;

    /// <summary>Whether <paramref name="command"/>, a transition of <paramref name="generation"/> (null: none), is an install
    /// past its pass's bound, the pass having <paramref name="active"/> active registrations.</summary>
    internal static bool Exceeds(IngestCommand command, long? generation, int active) =>
        generation is not null && command.Installed && command.MaxActiveRegistrations is { } max && active >= max;

    /// <summary>The answer to an install past its pass's bound: nothing written.</summary>
    internal static IngestOutcome TooMany(int active, int total) => new(null, false, active, total, TooManyRegistrations: true);

    /// <summary>The answer to a command that is no state transition: the event that made the current state.</summary>
    internal static IngestOutcome Repeat(IngestCommand command, CurrentRegistration? current, int active, int total) =>
        new(command.Installed ? current?.InstallEventId : current?.UninstallEventId, false, active, total);

    /// <summary>
    /// Serialises ingests of the pass where the store does not already serialise whole transactions, and returns the
    /// device's latest registration of the pass, or null when it never registered.
    /// </summary>
    protected abstract Task<CurrentRegistration?> LockPassAndReadRegistrationAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Records the command's nonce for its tenant; false when it was recorded before.</summary>
    protected abstract Task<bool> ClaimNonceAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Inserts or updates the device's push token for the command's pass type identifier.</summary>
    protected abstract Task SavePushTokenAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Reads the pass's active and total registration counts (kept on the pass's row, so one read however long its history).</summary>
    protected abstract Task<(int Active, int Total)> CountAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts (install) or closes (uninstall) the registration of <paramref name="generation"/>, takes the pass's next
    /// sequence number and inserts the pending event with the counts after the change; returns those counts.
    /// </summary>
    protected abstract Task<(int Active, int Total)> WriteTransitionAsync(IngestCommand command, long generation, CancellationToken cancellationToken);

    /// <summary>A device's latest registration of a pass.</summary>
    protected internal sealed record CurrentRegistration(long Generation, bool Active, string InstallEventId, string? UninstallEventId);
}
