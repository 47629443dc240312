using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>Two hosts on one PostgreSQL database: one queue, shared work, each event delivered once, per-pass order kept.</summary>
public sealed class TwoHostsTests
{
    private const int Passes = 30;
    private const int ChangesPerPass = 6;

    [Fact]
    public async Task TwoHostsOnOneDatabaseShareTheQueueAndDeliverEachEventOnceInPassOrder()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var partner = await PartnerStub.StartAsync();
        await using var hosts = await TwoHosts.StartAsync(database, partner);

        var acknowledged = await hosts.IngestAsync(Passes, ChangesPerPass);
        var all = acknowledged.Values.SelectMany(ids => ids).ToHashSet();
        await HostHarness.WaitUntilAsync(() => Deliveries(partner).Select(d => d.EventId).ToHashSet().IsSupersetOf(all),
            TimeSpan.FromSeconds(60), "every acknowledged event reached the partner");

        var deliveries = Deliveries(partner);
        all.Should().HaveCount(Passes * ChangesPerPass, "every change is a state transition");
        deliveries.GroupBy(d => d.EventId).Should().OnlyContain(g => g.Count() == 1, "a leased event is never claimed by the other host");
        foreach (var (passId, eventIds) in acknowledged)
        {
            deliveries.Where(d => d.PassId == passId).Select(d => d.EventId).Should().Equal(eventIds, $"pass {passId}'s events arrive in ingest order");
        }

        deliveries.Select(d => d.Host).Distinct().Should().BeEquivalentTo(["host-a", "host-b"], "both hosts take events from the one queue");
    }

    [Fact]
    public async Task NegativeControl_WhenTheStoreDropsLeasesTheSameCheckSeesEventsDeliveredTwice()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var partner = await PartnerStub.StartAsync();
        await using var hosts = await TwoHosts.StartAsync(database, partner,
            s => s.AddSingleton<IEventStore>(sp => new LeaseDroppingStore(new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>()))));

        await hosts.IngestAsync(passes: 4, changesPerPass: 2);

        await HostHarness.WaitUntilAsync(() => Deliveries(partner).GroupBy(d => d.EventId).Any(g => g.Count() > 1),
            TimeSpan.FromSeconds(60), "the once-only check sees a duplicate when leases do not hold");
    }

    private static List<Delivery> Deliveries(PartnerStub partner) =>
        [.. partner.Requests.Select(r =>
        {
            var body = JsonNode.Parse(r.Body)!;
            return new Delivery(r.Path.TrimStart('/'), body["eventId"]!.GetValue<string>(), body["passId"]!.GetValue<string>());
        })];

    private sealed record Delivery(string Host, string EventId, string PassId);

    /// <summary>Two in-process hosts on one database, each with a hook that posts to the partner under its own path.</summary>
    private sealed class TwoHosts : IAsyncDisposable
    {
        private readonly TenantsRoot _rootA;
        private readonly TenantsRoot _rootB;
        private readonly HostHarness _a;
        private readonly HostHarness _b;

        private TwoHosts(TenantsRoot rootA, TenantsRoot rootB, HostHarness a, HostHarness b) => (_rootA, _rootB, _a, _b) = (rootA, rootB, a, b);

        public static async Task<TwoHosts> StartAsync(PostgresDatabase database, PartnerStub partner, Action<IServiceCollection>? services = null)
        {
            var rootA = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/host-a"));
            var rootB = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/host-b"));
            var a = await HostHarness.StartAsync(rootA, services: services, store: database.Store);
            var b = await HostHarness.StartAsync(rootB, services: services, store: database.Store);
            return new TwoHosts(rootA, rootB, a, b);
        }

        /// <summary>Sends each pass's changes one at a time, alternating hosts, and returns each pass's acknowledged events in order.</summary>
        public async Task<IReadOnlyDictionary<string, List<string>>> IngestAsync(int passes, int changesPerPass)
        {
            var perPass = await Task.WhenAll(Enumerable.Range(0, passes).Select(async p =>
            {
                var passId = $"P{p:00}";
                var ids = new List<string>();
                for (var change = 0; change < changesPerPass; change++)
                {
                    var (status, body) = await (change % 2 == 0 ? _a : _b).IngestAsync("acme", passId, installed: change % 2 == 0);
                    status.Should().Be(HttpStatusCode.Accepted);
                    ids.Add(body["eventId"]!.GetValue<string>());
                }

                return (passId, ids);
            }));
            return perPass.ToDictionary(p => p.passId, p => p.ids);
        }

        public async ValueTask DisposeAsync()
        {
            await _a.DisposeAsync();
            await _b.DisposeAsync();
            _rootA.Dispose();
            _rootB.Dispose();
        }
    }
}
