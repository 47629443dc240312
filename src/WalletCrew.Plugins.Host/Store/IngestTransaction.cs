namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The steps of the ingest transaction, written once for every store: read the device's registration, apply the
/// transition, count the pass's registrations, insert the event with the pass's next sequence number. Each store
/// supplies the statements; the caller owns the transaction and commits only when <see cref="IngestOutcome.Created"/>.
/// </summary>
internal abstract class IngestTransaction
{
    public async Task<IngestOutcome> RunAsync(IngestCommand command, CancellationToken cancellationToken)
    {
        await LockPassAsync(command, cancellationToken).ConfigureAwait(false);
        var current = await ReadRegistrationAsync(command, cancellationToken).ConfigureAwait(false);
        if (command.Installed == (current?.Active ?? false))
        {
            // Not a state transition: acknowledge with the event that made the current state.
            var (active, total) = await CountAsync(command, cancellationToken).ConfigureAwait(false);
            return new IngestOutcome(command.Installed ? current?.InstallEventId : current?.UninstallEventId, false, active, total);
        }

        if (command.Installed)
        {
            await InsertRegistrationAsync(command, (current?.Generation ?? 0) + 1, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CloseRegistrationAsync(command, current!.Generation, cancellationToken).ConfigureAwait(false);
        }

        var counts = await CountAsync(command, cancellationToken).ConfigureAwait(false);
        await InsertEventAsync(command, counts.Active, counts.Total, cancellationToken).ConfigureAwait(false);
        return new IngestOutcome(command.NewEventId, true, counts.Active, counts.Total);
    }

    /// <summary>Serialises ingests of one pass where the store does not already serialise whole transactions.</summary>
    protected abstract Task LockPassAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Returns the device's latest registration of the pass, or null when it never registered.</summary>
    protected abstract Task<CurrentRegistration?> ReadRegistrationAsync(IngestCommand command, CancellationToken cancellationToken);

    protected abstract Task InsertRegistrationAsync(IngestCommand command, long generation, CancellationToken cancellationToken);

    protected abstract Task CloseRegistrationAsync(IngestCommand command, long generation, CancellationToken cancellationToken);

    protected abstract Task<(int Active, int Total)> CountAsync(IngestCommand command, CancellationToken cancellationToken);

    /// <summary>Takes the pass's next sequence number and inserts the pending event with the count snapshot.</summary>
    protected abstract Task InsertEventAsync(IngestCommand command, int activeCount, int totalCount, CancellationToken cancellationToken);

    /// <summary>A device's latest registration of a pass.</summary>
    protected internal sealed record CurrentRegistration(long Generation, bool Active, string InstallEventId, string? UninstallEventId);
}
