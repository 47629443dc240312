using System.Diagnostics;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class FairnessTests
{
    [Fact]
    public async Task TenantAsHangingPartnerAndBacklogDoNotDelayTenantB()
    {
        var latencies = await MeasureTenantBAsync(perTenantConcurrency: 4);

        // A generous bound, half A's 6 s hang: B never queued behind A.
        latencies.Max().Should().BeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task WithoutThePerTenantCapTenantBWaitsBehindA()
    {
        // Negative control: let A take every slot, and B's first event waits for A's hung calls to time out.
        var latencies = await MeasureTenantBAsync(perTenantConcurrency: 8);

        latencies[0].Should().BeGreaterThan(TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ATenantNeverRunsMoreHooksAtOnceThanItsCapEvenWhenAClaimFindsItPartlyBusy(int perTenantConcurrency)
    {
        await using var partner = await PartnerStub.StartAsync();
        var running = 0;
        var most = 0;
        partner.Handler = async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(TimeSpan.FromMilliseconds(700));
            Interlocked.Decrement(ref running);
            context.Response.StatusCode = 200;
        };
        using var root = PostingTenant(partner, settings: null);
        await using var host = await HostHarness.StartAsync(root, Slots(8, perTenantConcurrency));

        // One hook running, then a burst: each claim finds the tenant below its cap but not idle.
        await host.IngestAsync("acme", "P0");
        await HostHarness.WaitUntilAsync(() => Volatile.Read(ref running) == 1, TimeSpan.FromSeconds(30), "the first hook runs");
        for (var i = 1; i <= 6; i++)
        {
            await host.IngestAsync("acme", $"P{i}");
        }

        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 7, TimeSpan.FromSeconds(60), "every event was delivered");
        Volatile.Read(ref most).Should().Be(perTenantConcurrency, "the cap is reached (else this proves nothing) and never passed");
    }

    [Theory]
    [InlineData("""{ "limits": { "concurrentInvocations": 4 } }""", 2)]
    [InlineData(null, 8)] // Negative control: without a limit of the tenant's own, the host's cap is what is reached.
    public async Task ATenantsDeliveriesTakeAtMostHalfItsOwnInvocationLimit(string? settings, int expected)
    {
        await using var partner = await PartnerStub.StartAsync();
        var running = 0;
        var most = 0;
        partner.Handler = async context =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref running));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Interlocked.Decrement(ref running);
            context.Response.StatusCode = 200;
        };
        using var root = PostingTenant(partner, settings);
        await using var host = await HostHarness.StartAsync(root, Slots(16, perTenant: 8));

        for (var i = 0; i < 12; i++)
        {
            await host.IngestAsync("acme", $"P{i}");
        }

        // Over the limit, the engine would reject: the partner would then see up to 4 at once, each rejection a store write.
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 12, TimeSpan.FromSeconds(60), "every event was delivered");
        Volatile.Read(ref most).Should().Be(expected, "the cap is reached (else this proves nothing) and never passed");
    }

    [Theory]
    [InlineData("""{ "limits": { "concurrentInvocations": 4 } }""", 4)]
    [InlineData(null, 16)] // Negative control: without a limit of its own, the tenant's look-ahead is twice the host's cap.
    public async Task ATenantHeldBackByItsOwnLimitHasNoMoreThanTwiceItsSlotsLeased(string? settings, int expected)
    {
        await using var partner = await PartnerStub.StartAsync();
        var gate = new PartnerGate(partner);
        using var root = PostingTenant(partner, settings);
        await using var host = await HostHarness.StartAsync(root, Slots(32, perTenant: 8));

        // One delivery held at the partner, then a burst: every claim after it finds the tenant holding something.
        await host.IngestAsync("acme", "P0");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the first hook runs");
        for (var i = 1; i <= 30; i++)
        {
            await host.IngestAsync("acme", $"P{i}");
        }

        var most = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            most = Math.Max(most, Leased(root));
            await Task.Delay(50);
        }

        most.Should().Be(expected, "twice the tenant's slots are leased (else this proves nothing) and never more");
        gate.Open();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 31, TimeSpan.FromSeconds(60), "every event is delivered");
    }

    // Tenant acme, whose hook posts each event to the partner, with its tenant.json when given.
    private static TenantsRoot PostingTenant(PartnerStub partner, string? settings)
    {
        var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        return settings is null ? root : root.WriteSettings("acme", settings);
    }

    private static Dictionary<string, string?> Slots(int concurrency, int perTenant) => new()
    {
        ["WalletCrew:Delivery:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["WalletCrew:Delivery:PerTenantConcurrency"] = perTenant.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int Leased(TenantsRoot root)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={root.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events WHERE status = 'pending' AND lease_owner IS NOT NULL;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }

    private static async Task<List<TimeSpan>> MeasureTenantBAsync(int perTenantConcurrency)
    {
        await using var slowPartner = await PartnerStub.StartAsync();
        using var release = new CancellationTokenSource();
        slowPartner.Handler = async context =>
        {
            // Tenant A's partner hangs until the invocation timeout cuts the call.
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Response.StatusCode = 200;
        };
        await using var partnerB = await PartnerStub.StartAsync();
        using var root = new TenantsRoot()
            .WriteScript("tenant-a", Scripts.PostingHook(slowPartner.BaseAddress + "/hook"))
            .WriteScript("tenant-b", Scripts.PostingHook(partnerB.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:InvocationTimeout"] = "00:00:06",
            ["WalletCrew:Delivery:Concurrency"] = "8",
            ["WalletCrew:Delivery:PerTenantConcurrency"] = perTenantConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // A's backlog: 40 events on 40 passes, every one of which hangs 6 s.
        for (var i = 0; i < 40; i++)
        {
            await host.IngestAsync("tenant-a", $"A{i}");
        }

        await HostHarness.WaitUntilAsync(() => slowPartner.Requests.Count >= perTenantConcurrency, TimeSpan.FromSeconds(30), "tenant A's slots are all busy");
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var started = Stopwatch.StartNew();
            await host.IngestAsync("tenant-b", $"B{i}");
            await HostHarness.WaitUntilAsync(() => partnerB.Requests.Count >= i + 1, TimeSpan.FromSeconds(30), $"tenant B's event {i} arrived");
            latencies.Add(started.Elapsed);
        }

        var queues = await host.GetJsonAsync("api/admin/queues");
        queues.AsArray().Single(q => q!["tenantId"]!.GetValue<string>() == "tenant-a")!["pending"]!.GetValue<long>()
            .Should().BeGreaterThan(20, "tenant A is still backlogged while B flows (control)");
        await release.CancelAsync();
        return latencies;
    }
}
