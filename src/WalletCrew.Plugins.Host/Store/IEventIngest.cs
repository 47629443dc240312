namespace WalletCrew.Plugins.Host.Store;

/// <summary>Ingest: records installation changes.</summary>
internal interface IEventIngest
{
    /// <summary>Records an installation change in one transaction: registration, counts, per-pass sequence and event.</summary>
    Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken);
}
