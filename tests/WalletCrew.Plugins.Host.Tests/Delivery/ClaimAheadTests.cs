using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>
/// The worker claims ahead: while its one slot runs a hook, the next due event is already leased to it, so when the slot
/// frees the next hook starts without waiting for the store. Shown by freezing the store's commits as the slot frees:
/// the claimed-ahead event still starts; an event that cannot be claimed ahead (the next of the same pass) does not.
/// </summary>
public sealed class ClaimAheadTests
{
    private static readonly Dictionary<string, string?> s_oneSlot = new()
    {
        ["WalletCrew:Delivery:Concurrency"] = "1",
        ["WalletCrew:Delivery:PerTenantConcurrency"] = "1",
    };

    [Fact]
    public async Task WhenTheSlotFreesTheEventClaimedAheadStartsEvenThoughTheStoreCannotCommit()
    {
        await using var scene = await Scene.StartAsync();
        await scene.Host.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(() => scene.Partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "P1's hook runs in the one slot");
        await scene.Host.IngestAsync("acme", "P2");
        await HostHarness.WaitUntilAsync(() => scene.LeaseOwner("P2") is not null, TimeSpan.FromSeconds(30), "P2 is claimed ahead while P1 runs");

        scene.FreezeCommits();
        scene.ReleaseFirstCall();

        await HostHarness.WaitUntilAsync(() => scene.Partner.Requests.Count == 2, TimeSpan.FromSeconds(30),
            "P2's hook starts as the slot frees, with no commit in between");
        scene.ThawCommits();
        await scene.WaitUntilDeliveredAsync(2);
    }

    [Fact]
    public async Task NegativeControl_TheNextEventOfTheSamePassIsNotClaimedAheadAndWaitsForTheCommit()
    {
        await using var scene = await Scene.StartAsync();
        await scene.Host.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(() => scene.Partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "P1's first hook runs in the one slot");
        await scene.Host.IngestAsync("acme", "P1", installed: false);

        scene.FreezeCommits();
        scene.ReleaseFirstCall();
        await Task.Delay(TimeSpan.FromSeconds(2));

        scene.Partner.Requests.Should().HaveCount(1, "per-pass order: the second event waits until the first one's outcome is durable");
        scene.ThawCommits();
        await HostHarness.WaitUntilAsync(() => scene.Partner.Requests.Count == 2, TimeSpan.FromSeconds(30), "it starts once the store commits again");
        await scene.WaitUntilDeliveredAsync(2);
    }

    [Fact]
    public async Task WhatWasClaimedAheadIsReleasedAtStopNotLeftLeased()
    {
        await using var scene = await Scene.StartAsync(new() { ["WalletCrew:ShutdownTimeout"] = "00:00:01" });
        await scene.Host.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(() => scene.Partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "P1's hook runs in the one slot");
        await scene.Host.IngestAsync("acme", "P2");
        await HostHarness.WaitUntilAsync(() => scene.LeaseOwner("P2") is not null, TimeSpan.FromSeconds(30), "P2 is claimed ahead while P1 runs");

        // P1's call never returns: the stop cancels it after the shutdown timeout and releases both leases.
        await scene.StopHostAsync();

        scene.Partner.Requests.Should().HaveCount(1, "nothing starts once the host stops, the slot freed by the cancelled call included");
        scene.LeaseOwner("P2").Should().BeNull("P2 never started, and its lease went back at stop instead of running out");
        scene.LeaseOwner("P1").Should().BeNull("the cancelled call's lease went back too");
    }

    private sealed class Scene : IAsyncDisposable
    {
        private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _commits = new(initialState: true);
        private readonly TenantsRoot _root;
        private HostHarness? _host;
        private int _calls;

        private Scene(PartnerStub partner, TenantsRoot root)
        {
            Partner = partner;
            _root = root;
            partner.Handler = async context =>
            {
                if (Interlocked.Increment(ref _calls) == 1)
                {
                    await _firstCall.Task;
                }

                context.Response.StatusCode = 200;
            };
        }

        public PartnerStub Partner { get; }

        public HostHarness Host => _host!;

        public static async Task<Scene> StartAsync(Dictionary<string, string?>? configuration = null)
        {
            var partner = await PartnerStub.StartAsync();
            var scene = new Scene(partner, new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook")));
            scene._host = await HostHarness.StartAsync(scene._root, new Dictionary<string, string?>(s_oneSlot.Concat(configuration ?? [])));
            return scene;
        }

        // The writer's thread waits before each commit: nothing queued becomes durable, no claim is answered.
        public void FreezeCommits()
        {
            _commits.Reset();
            Writer.BeforeCommit = _ => _commits.Wait(TimeSpan.FromSeconds(60));
        }

        public void ThawCommits()
        {
            Writer.BeforeCommit = null;
            _commits.Set();
        }

        public void ReleaseFirstCall() => _firstCall.TrySetResult();

        public string? LeaseOwner(string passId)
        {
            using var connection = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False");
            return StalledPasses.LeaseOwner(connection, "", "acme", passId);
        }

        public Task WaitUntilDeliveredAsync(int count) =>
            HostHarness.WaitUntilAsync(() => Delivered() == count, TimeSpan.FromSeconds(30), $"{count} events delivered");

        private long Delivered()
        {
            using var connection = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM events WHERE status = 'delivered';";
            return (long)command.ExecuteScalar()!;
        }

        public async Task StopHostAsync()
        {
            var host = _host;
            _host = null;
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            ThawCommitsIfRunning();
            _firstCall.TrySetResult();
            await StopHostAsync();
            await Partner.DisposeAsync();
            _root.Dispose();
            _commits.Dispose();
        }

        private void ThawCommitsIfRunning()
        {
            if (_host is not null)
            {
                ThawCommits();
            }
        }

        private SqliteWriter Writer => ((SqliteEventStore)Host.Services.GetRequiredService<IEventStore>()).Writer;
    }
}
