using System.Diagnostics;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// SQLite lives on one machine, so a host starting on the file gives back at once the leases of processes that are gone
/// (the host before a kill -9), and only those.
/// </summary>
public sealed class SqliteLeaseRecoveryTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(15);

    private readonly TenantsRoot _root = new();
    private int _ids;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    [Fact]
    public async Task StartingOnTheFileGivesBackAtOnceTheLeasesOfProcessesThatAreGone()
    {
        var store = await OpenAsync();
        var exited = await ExitedProcessIdAsync();
        string[] gone = [$"{Environment.MachineName}/{exited}/{Guid.NewGuid():N}", $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"];
        var leased = new List<string>();
        foreach (var owner in gone)
        {
            leased.Add(await IngestAndClaimAsync(store, owner));
        }

        (await ClaimAsync(store, "owner-b")).Should().BeEmpty("the leases hold until a restart (control)");
        var restarted = await OpenAsync();

        (await ClaimAsync(restarted, "owner-b")).Select(e => e.EventId).Should().BeEquivalentTo(leased,
            "an exited process id, and this process id without a live worker (the process before us had it), are gone");
    }

    [Fact]
    public async Task StartingOnTheFileKeepsTheLeasesOfLiveWorkersAndOfOtherMachines()
    {
        var store = await OpenAsync();
        var live = LeaseOwners.Create();
        try
        {
            string[] owners = [live, $"{Environment.MachineName}/1/{Guid.NewGuid():N}", $"another-machine/{await ExitedProcessIdAsync()}/{Guid.NewGuid():N}"];
            foreach (var owner in owners)
            {
                await IngestAndClaimAsync(store, owner);
            }

            var restarted = await OpenAsync();

            (await ClaimAsync(restarted, "owner-b")).Should().BeEmpty("a live worker, a running process and another machine's leases wait for expiry");
            (await ClaimAsync(restarted, "owner-b", s_now + s_lease)).Should().HaveCount(3, "they expire as usual");
        }
        finally
        {
            LeaseOwners.Retire(live);
        }
    }

    private async Task<IEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(new SqliteStoreOptions(_root.DatabasePath, "FULL"));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private async Task<string> IngestAndClaimAsync(IEventStore store, string owner)
    {
        var id = $"evt_{Interlocked.Increment(ref _ids):0000}";
        await store.IngestAsync(new IngestCommand(id, "t", "P" + id, "loyalty", Device.Apple, "apple", true, new Dictionary<string, string>(), null, s_now, s_now),
            CancellationToken.None);
        (await ClaimAsync(store, owner)).Select(e => e.EventId).Should().Equal(id);
        return id;
    }

    private static Task<IReadOnlyList<StoredEvent>> ClaimAsync(IEventStore store, string owner, DateTimeOffset? at = null) =>
        store.ClaimAsync(new ClaimRequest(owner, at ?? s_now, s_lease, 10, 10, []), CancellationToken.None);

    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
