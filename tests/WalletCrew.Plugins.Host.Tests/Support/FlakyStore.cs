using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>The real store, with ingest failing on demand as a full disk or a locked database would.</summary>
internal sealed class FlakyStore(IEventStore inner) : DelegatingEventStore(inner)
{
    public volatile bool FailIngest;

    public override Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken) =>
        FailIngest ? throw new IOException("disk I/O error") : base.IngestAsync(command, cancellationToken);
}
