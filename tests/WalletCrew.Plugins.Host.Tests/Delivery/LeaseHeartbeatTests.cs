using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>The heartbeat on a controlled clock over a real SQLite file: held leases outlive their duration, dropped ones run out.</summary>
public sealed class LeaseHeartbeatTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(15);

    private readonly TenantsRoot _root = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    [Fact]
    public async Task AHeldLeaseIsRenewedEveryThirdOfItsDurationAndRunsOutOnceDropped()
    {
        var time = new FakeTimeProvider(s_start);
        var store = new RenewalRecordingStore(new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL")));
        await store.InitializeAsync(CancellationToken.None);
        await store.IngestAsync(new IngestCommand("evt_1", "t", "P1", "loyalty", Device.Apple, "apple", true, new Dictionary<string, string>(), null, s_start, s_start),
            CancellationToken.None);
        (await ClaimAsync(store, "worker", s_start)).Should().ContainSingle();
        var heartbeat = new LeaseHeartbeat(store, "worker", s_lease, time, NullLogger.Instance);
        heartbeat.Hold("evt_1");
        using var stop = new CancellationTokenSource();
        var running = heartbeat.RunAsync(stop.Token);

        // Six beats: 30 s, twice the lease.
        for (var beat = 1; beat <= 6; beat++)
        {
            time.Advance(heartbeat.Interval);
            await HostHarness.WaitUntilAsync(() => store.Renewals.Count == beat, TimeSpan.FromSeconds(10), $"beat {beat} renewed the lease");
        }

        var renewedUntil = time.GetUtcNow() + s_lease;
        var whileHeld = await ClaimAsync(store, "other", renewedUntil - TimeSpan.FromMilliseconds(1));
        heartbeat.Drop("evt_1");
        time.Advance(heartbeat.Interval);
        await Task.Yield();
        var afterDrop = await ClaimAsync(store, "other", renewedUntil);
        await stop.CancelAsync();
        await running;

        store.Renewals.Should().Equal(Enumerable.Range(1, 6).Select(beat => s_start + (beat * heartbeat.Interval) + s_lease), "each beat extends the lease from its own time");
        whileHeld.Should().BeEmpty("the lease was renewed past twice its duration");
        afterDrop.Select(e => e.EventId).Should().Equal(["evt_1"], "a dropped lease is not renewed and runs out (control)");
    }

    private static Task<IReadOnlyList<StoredEvent>> ClaimAsync(IEventStore store, string owner, DateTimeOffset at) =>
        store.ClaimAsync(new ClaimRequest(owner, at, s_lease, 10, 10, []), CancellationToken.None);

    private sealed class RenewalRecordingStore(IEventStore inner) : DelegatingEventStore(inner)
    {
        private readonly ConcurrentQueue<DateTimeOffset> _renewals = new();

        public IReadOnlyList<DateTimeOffset> Renewals => [.. _renewals];

        public override async Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> eventIds, DateTimeOffset until, CancellationToken cancellationToken)
        {
            var renewed = await base.RenewAsync(owner, eventIds, until, cancellationToken);
            if (renewed.Count > 0)
            {
                _renewals.Enqueue(until);
            }

            return renewed;
        }
    }
}
