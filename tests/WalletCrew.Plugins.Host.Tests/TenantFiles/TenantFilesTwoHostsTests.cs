using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>
/// Two hosts on one PostgreSQL database, each with its own tenants root and its own folder for materialised versions (two
/// machines): a change through either goes live on both, and each delivery is handled by one version, recorded on its attempt.
/// </summary>
public sealed class TenantFilesTwoHostsTests
{
    /// <summary>The bound the API promises for a change to reach every host.</summary>
    private static readonly TimeSpan s_propagation = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task APutThroughHostAIsServedByHostBWithinTwoSecondsAndARestoreThroughBGoesLiveOnA()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var shared = new TenantsRoot();
        await using var hosts = await Hosts.StartAsync(database, shared);
        (await PutFileAsync(hosts.A.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.B.Client, "acme") == "v1", s_propagation, "host B serves version 1");

        var (status, _) = await PutFileAsync(hosts.A.Client, "acme", ScriptPath, MarkProvider("v2"));

        status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(hosts.A.Client, "acme")).Should().Be("v2", "the host that stored it serves it at once");
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.B.Client, "acme") == "v2", s_propagation, "host B serves version 2");

        var (restored, body) = await SendAsync(hosts.B.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/versions/1/restore?message=roll%20back"));

        restored.Should().Be(HttpStatusCode.Created, body.ToJsonString());
        (await MarkAsync(hosts.B.Client, "acme")).Should().Be("v1");
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.A.Client, "acme") == "v1", s_propagation, "host A serves the restored version 3");
        (await hosts.A.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["tenantVersion"]!.GetValue<long>().Should().Be(3);
    }

    [Fact]
    public async Task ConcurrentChangesOfOneTenantThroughTwoHostsNeverShareAVersionNumber()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var shared = new TenantsRoot();
        await using var hosts = await Hosts.StartAsync(database, shared);
        (await PutFileAsync(hosts.A.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            PutFileAsync(i % 2 == 0 ? hosts.A.Client : hosts.B.Client, "acme", ScriptPath, MarkProvider($"c{i}"))));

        answers.Select(a => a.Status).Should().OnlyContain(s => s == HttpStatusCode.Created || s == HttpStatusCode.Conflict);
        var stored = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Body["version"]!.GetValue<long>()).ToList();
        stored.Should().OnlyHaveUniqueItems();
        var versions = (await hosts.A.GetJsonAsync("api/tenants/acme/versions")).AsArray();
        versions.Should().HaveCount(1 + stored.Count, "every 201 is a version and a 409 stored nothing");
        var newest = versions[0]!["version"]!.GetValue<long>();
        var mark = (await hosts.A.Client.GetStringAsync($"api/tenants/acme/files/{ScriptPath}")).Split('"')[1];
        foreach (var host in new[] { hosts.A, hosts.B })
        {
            await HostHarness.WaitUntilAsync(async () => await MarkAsync(host.Client, "acme") == mark, s_propagation, $"both hosts serve the newest version {newest}");
        }
    }

    [Fact]
    public async Task EventsDeliveredDuringAChangeAreEachHandledByExactlyOneVersionRecordedOnTheAttempt()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var partner = await PartnerStub.StartAsync();
        using var shared = new TenantsRoot();
        await using var hosts = await Hosts.StartAsync(database, shared);
        (await PutFileAsync(hosts.A.Client, "acme", ScriptPath, Scripts.PostingHook(partner.BaseAddress + "/v1"))).Status.Should().Be(HttpStatusCode.Created);
        await HostHarness.WaitUntilAsync(async () => (await hosts.B.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Count == 1, s_propagation, "host B loaded version 1");

        var ingest = Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                var (status, body) = await (i % 2 == 0 ? hosts.A : hosts.B).IngestAsync("acme", $"P{i:00}");
                status.Should().Be(HttpStatusCode.Accepted);
                ids.Add(body["eventId"]!.GetValue<string>());
                await Task.Delay(25);
            }

            return ids;
        });
        await Task.Delay(200);
        (await PutFileAsync(hosts.A.Client, "acme", ScriptPath, Scripts.PostingHook(partner.BaseAddress + "/v2"))).Status.Should().Be(HttpStatusCode.Created);
        var eventIds = await ingest;
        await HostHarness.WaitUntilAsync(() => Task.FromResult(partner.Requests.Select(Handled).Select(h => h.EventId).ToHashSet().IsSupersetOf(eventIds)),
            TimeSpan.FromSeconds(60), "every event reached the partner");

        var handled = partner.Requests.Select(Handled).ToList();
        var attempts = (await hosts.A.GetJsonAsync("api/admin/tenants/acme/logs?limit=1000")).AsArray()
            .Where(l => l!["kind"]!.GetValue<string>() == "delivery" && l["status"]!.GetValue<string>() == "delivered")
            .ToDictionary(l => l!["eventId"]!.GetValue<string>(), l => l!["tenantVersion"]!.GetValue<long>());

        handled.GroupBy(h => h.EventId).Should().OnlyContain(g => g.Count() == 1, "each event is handled once, by one version");
        foreach (var (eventId, version) in handled)
        {
            attempts[eventId].Should().Be(version, $"the attempt of {eventId} records the version that handled it");
        }

        handled.Select(h => h.Version).Distinct().Should().BeEquivalentTo([1L, 2L], "the change happened while events were delivered (else this test proves nothing)");
    }

    [Theory]
    [InlineData("00:00:00.250", true)]
    [InlineData("00:01:00", false)] // the control: without notifications and with a slow poll, B must not follow (else the case above proves nothing)
    public async Task WithoutNotificationsHostBFollowsByThePollAlone(string pollInterval, bool follows)
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var shared = new TenantsRoot();
        var deaf = new Dictionary<string, string?> { ["WalletCrew:TenantFiles:Notifications"] = "false", ["WalletCrew:TenantFiles:PollInterval"] = pollInterval };
        await using var hosts = await Hosts.StartAsync(database, shared, hostB: deaf);
        (await PutFileAsync(hosts.B.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);

        (await PutFileAsync(hosts.A.Client, "acme", ScriptPath, MarkProvider("v2"))).Status.Should().Be(HttpStatusCode.Created);

        if (follows)
        {
            await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.B.Client, "acme") == "v2", s_propagation, "host B polled version 2");
        }
        else
        {
            await Task.Delay(s_propagation + TimeSpan.FromSeconds(1));
            (await MarkAsync(hosts.B.Client, "acme")).Should().Be("v1", "nothing told host B, and its poll is a minute away");
        }
    }

    [Fact]
    public async Task ASaveInHostAsTenantsFolderIsServedByHostBWithinTwoSeconds()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var shared = new TenantsRoot();
        var watching = new Dictionary<string, string?> { ["WalletCrew:TenantFiles:ImportFolders"] = null, ["WalletCrew:Engine:HotReload"] = "true" };
        await using var hosts = await Hosts.StartAsync(database, shared, hostA: watching, folderA: root => root.WriteScript("acme", MarkProvider("seeded")));
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.B.Client, "acme") == "seeded", s_propagation, "host B serves the seeded version 1");

        hosts.RootA.WriteScript("acme", MarkProvider("saved"));

        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.A.Client, "acme") == "saved", TimeSpan.FromSeconds(30), "host A stored and serves the save");
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(hosts.B.Client, "acme") == "saved", s_propagation, "host B serves the saved version 2");
        (await hosts.B.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["tenantVersion"]!.GetValue<long>().Should().Be(2);
    }

    private static (string EventId, long Version) Handled(RecordedRequest request) =>
        (JsonNode.Parse(request.Body)!["eventId"]!.GetValue<string>(), long.Parse(request.Path.TrimStart('/', 'v'), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Two in-process hosts on one database, each with its own tenants root and materialised versions; one compile cache.</summary>
    private sealed class Hosts : IAsyncDisposable
    {
        private readonly TenantsRoot _rootA;
        private readonly TenantsRoot _rootB;

        private Hosts(TenantsRoot rootA, TenantsRoot rootB, HostHarness a, HostHarness b) => (_rootA, _rootB, A, B) = (rootA, rootB, a, b);

        /// <summary>Gets host A's tenants root.</summary>
        public TenantsRoot RootA => _rootA;

        public HostHarness A { get; }

        public HostHarness B { get; }

        public static async Task<Hosts> StartAsync(
            PostgresDatabase database, TenantsRoot shared, IReadOnlyDictionary<string, string?>? hostB = null, IReadOnlyDictionary<string, string?>? hostA = null,
            Action<TenantsRoot>? folderA = null)
        {
            var rootA = new TenantsRoot();
            var rootB = new TenantsRoot();
            folderA?.Invoke(rootA);
            var a = await HostHarness.StartAsync(rootA, Configuration(rootA, shared, hostA), store: database.Store);
            var b = await HostHarness.StartAsync(rootB, Configuration(rootB, shared, hostB), store: database.Store);
            return new Hosts(rootA, rootB, a, b);
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            _rootA.Dispose();
            _rootB.Dispose();
        }

        // The poll is slowed down so that only the notification can meet the bound.
        private static Dictionary<string, string?> Configuration(TenantsRoot root, TenantsRoot shared, IReadOnlyDictionary<string, string?>? overrides)
        {
            var configuration = new Dictionary<string, string?>
            {
                ["WalletCrew:TenantFiles:Directory"] = Path.Combine(root.Base, "files"),
                ["WalletCrew:TenantFiles:PollInterval"] = "00:01:00",
                ["WalletCrew:Engine:CompileCacheDirectory"] = Path.Combine(shared.Base, "cache"),
            };
            foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            {
                configuration[key] = value;
            }

            return configuration;
        }
    }
}
