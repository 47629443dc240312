using System.Runtime.CompilerServices;
using WalletCrew.Plugins.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>
/// Hot reload under load (issue 12, class 13): a tenant's script saved many times while invocations flow, each version
/// looping and posting an anonymous JSON body to a loopback partner, leaves nothing behind once full collections ran.
/// </summary>
[Collection(UnloadCollection.Name)]
public sealed class ReloadSoakTests(ITestOutputHelper output)
{
    private const int Saves = 80;

    // Measured +0.7 MiB over the baseline after 80 saves and ~26k invocations; held versions would be far above it.
    private const long HeapBound = 8L * 1024 * 1024;

    [Fact]
    public async Task ManySavesWhileInvocationsFlowLeaveNoZombiesAndReturnTheHeap()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Records = false;
        var requests = 0;
        partner.Handler = context => { Interlocked.Increment(ref requests); return PartnerStub.Respond(200, "{}")(context); };
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("crm.csx", Version(partner.BaseAddress, 0));
        using var tenant = harness.Load();
        tenant.Diagnostics.Should().BeEmpty();
        await Soak(tenant, harness, partner.BaseAddress, 1, 3); // warm up what the first versions load once per process
        await Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var (released, invocations) = await Soak(tenant, harness, partner.BaseAddress, 4, 3 + Saves);
        await Collect();
        var after = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"{Saves} saves, {invocations} invocations, {requests} partner requests; heap {baseline / 1024} KiB -> {after / 1024} KiB");
        invocations.Should().BeGreaterThan(Saves, "invocations flowed during the saves");
        requests.Should().BeGreaterThanOrEqualTo(invocations, "each invocation posted its body to the partner");
        released.Where(c => c.IsAlive).Should().BeEmpty("every replaced version must be collected");
        harness.Engine.GetZombies(TimeSpan.Zero).Should().BeEmpty();
        after.Should().BeLessThan(baseline + HeapBound, $"{Saves} unloaded versions must not stay on the heap");
    }

    // Saves versions first..last one after the other while a second flow invokes the tenant without pause; every invocation succeeds.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(List<WeakReference> Released, int Invocations)> Soak(TenantConnectors tenant, EngineHarness harness, string partner, int first, int last)
    {
        var released = new List<WeakReference>(tenant.LoadContexts);
        using var stop = new CancellationTokenSource();
        var flow = Task.Run(() => Invoke(tenant, stop.Token));
        for (var version = first; version <= last; version++)
        {
            harness.Folder.WriteScript("crm.csx", Version(partner, version));
            (await tenant.ReloadAsync()).Should().BeTrue();
            tenant.Diagnostics.Should().BeEmpty();
            released.AddRange(tenant.LoadContexts);
        }

        await stop.CancelAsync();
        var invocations = await flow;
        var latest = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        latest.Log.Select(l => l.Message).Should().Equal($"v{last} P1 1225");
        released.RemoveAll(c => tenant.LoadContexts.Contains(c)); // the live version stays, rightly
        return (released, invocations);
    }

    private static async Task<int> Invoke(TenantConnectors tenant, CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
            result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
            count++;
        }

        return count;
    }

    private static async Task Collect()
    {
        await Task.Yield();
        await Task.Run(() =>
        {
            for (var round = 0; round < 4; round++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
            }
        });
    }

    private static string Version(string partner, int version) => $$"""
        async Task onPassInstalled(string passId)
        {
            var total = 0;
            for (var i = 0; i < 50; i++) total += i;
            await fetch("{{partner}}/points/" + passId, new { Method = "POST", Body = new { passId, total, version = {{version}}, tags = new[] { "a", "b" } } });
            console.log("v{{version}}", passId, total);
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;
}
