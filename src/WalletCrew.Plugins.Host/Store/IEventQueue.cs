namespace WalletCrew.Plugins.Host.Store;

/// <summary>The delivery queue: claims due events; the calls on leased events are <see cref="ILeaseStore"/>'s.</summary>
internal interface IEventQueue : ILeaseStore
{
    /// <summary>Leases due events: only the lowest pending sequence of each pass, a few per tenant at a time.</summary>
    Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);
}
