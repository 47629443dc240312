using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// Renews the worker's leases while its hooks run, every third of <c>LeaseDuration</c> in one store call, so a slow but
/// live delivery is never claimed twice while a dead host's leases run out within <c>LeaseDuration</c>.
/// </summary>
internal sealed partial class LeaseHeartbeat(ILeaseStore store, string owner, TimeSpan lease, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>Gets how often the leases are renewed.</summary>
    public TimeSpan Interval => lease / 3;

    /// <summary>Renews the lease of the event or email from the next beat on (it was just claimed).</summary>
    public void Hold(string eventId) => _held[eventId] = 0;

    /// <summary>Stops renewing the event's lease, before its outcome is written or it is released.</summary>
    public void Drop(string eventId) => _held.TryRemove(eventId, out _);

    /// <summary>Renews until <paramref name="cancellationToken"/> is cancelled; a failed renewal is logged and tried again at the next beat.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await BeatAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the worker has nothing left in flight.
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> ids = [.. _held.Keys];
        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            var renewed = await store.RenewAsync(owner, ids, time.GetUtcNow() + lease, cancellationToken).ConfigureAwait(false);
            // Not renewed and still running: lost to another owner (this host stalled past the lease); the event runs again.
            var lost = ids.Except(renewed, StringComparer.Ordinal).Where(_held.ContainsKey).ToList();
            if (lost.Count > 0)
            {
                LogLost(lost.Count, string.Join(", ", lost.Take(5)));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRenewFailed(exception, ids.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} lease(s) were taken over before renewal (for example {Ids}); those events or emails will run again with the same EventId or EmailId")]
    private partial void LogLost(int count, string ids);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing {Count} lease(s) failed; trying again at the next beat")]
    private partial void LogRenewFailed(Exception exception, int count);
}
