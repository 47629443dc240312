using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// A broken store for negative controls: it gives every lease back as soon as it is taken, so another worker can claim
/// an event that is being delivered (the bug leases exist to prevent).
/// </summary>
internal sealed class LeaseDroppingStore(IEventStore inner) : DelegatingEventStore(inner)
{
    public override async Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        var claimed = await base.ClaimAsync(request, cancellationToken);
        await base.ReleaseAsync(request.Owner, [.. claimed.Select(e => e.EventId)], cancellationToken);
        return claimed;
    }
}
