using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>
/// The crash-prone half of class 13, run only in a child process (<see cref="FullCollectionsAfterReloadsTests"/>): many
/// reloads of a fetching script, each followed by a full blocking collection, optionally with the heap walk that
/// <c>dotnet-gcdump</c> asks the runtime for. In the test runner itself it does nothing.
/// </summary>
public sealed class ReloadCrashProbe
{
    public const string ModeVariable = "WCP_RELOAD_CRASH_PROBE";

    [Fact]
    public async Task ReloadThenCollectManyTimes()
    {
        var mode = Environment.GetEnvironmentVariable(ModeVariable);
        if (mode is null)
        {
            return;
        }

        using var heapWalk = mode == "heapwalk" ? new HeapWalkListener() : null;
        await using var partner = await PartnerStub.StartAsync();
        partner.Records = false;
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("crm.csx", Version(partner.BaseAddress, 0));
        using var tenant = harness.Load();
        var cycles = int.Parse(Environment.GetEnvironmentVariable("WCP_RELOAD_CRASH_CYCLES") ?? "60", System.Globalization.CultureInfo.InvariantCulture);
        var gcdump = Environment.GetEnvironmentVariable("WCP_GCDUMP");
        var rounds = int.Parse(Environment.GetEnvironmentVariable("WCP_PROBE_COLLECT_ROUNDS") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        System.Diagnostics.Process? dumping = null;
        var dumps = 0;
        for (var version = 1; version <= cycles; version++)
        {
            // As an operator would while saves go on: dotnet-gcdump's induced, heap-walking collection races the next reloads.
            if (mode == "gcdump" && gcdump is not null && version > 20 && (dumping is null || dumping.HasExited))
            {
                dumping?.Dispose();
                dumping = System.Diagnostics.Process.Start(gcdump, ["collect", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(Path.GetTempPath(), $"wcp-probe-{Environment.ProcessId}.gcdump")]);
                dumps++;
            }

            if (Environment.GetEnvironmentVariable("WCP_PROBE_GCDUMP_WAIT") == "1" && dumping is not null)
            {
                await dumping.WaitForExitAsync(); // no reload while the tool walks the heap
            }

            await Cycle(tenant, harness, partner.BaseAddress, version);
            await Task.Run(() =>
            {
                // WCP_PROBE_COLLECT_ROUNDS=3: released versions are gone before the next dump starts.
                for (var round = 0; round < rounds; round++)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                    GC.WaitForPendingFinalizers();
                }
            });
        }

        if (dumping is not null)
        {
            await dumping.WaitForExitAsync();
            dumping.Dispose();
        }

        Console.WriteLine($"probe {mode}: {cycles} cycles, {dumps} gcdumps, {heapWalk?.Events ?? 0} heap-walk events, {GC.CollectionCount(GC.MaxGeneration)} full collections");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task Cycle(TenantConnectors tenant, EngineHarness harness, string partner, int version)
    {
        var reload = Environment.GetEnvironmentVariable("WCP_PROBE_RELOAD") != "0";
        if (reload)
        {
            harness.Folder.WriteScript("crm.csx", Version(partner, version));
        }

        var invocations = Enumerable.Range(0, 4).Select(_ => Task.Run(() => tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None))).ToList();
        if (reload)
        {
            (await tenant.ReloadAsync()).Should().BeTrue();
        }

        foreach (var result in await Task.WhenAll(invocations))
        {
            result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        }
    }

    // WCP_PROBE_SCRIPT and WCP_PROBE_BODY pick the variants docs/architecture.md reports ("Unloading, and proving it").
    private static string Version(string partner, int version) => Environment.GetEnvironmentVariable("WCP_PROBE_SCRIPT") switch
    {
        "log" => $$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => console.log("v{{version}}", passId) });
            """,
        "loop" => $$"""
            void onPassInstalled(string passId)
            {
                var total = 0;
                for (var i = 0; i < 50; i++) total += i;
                console.log("v{{version}}", passId, total);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
        "fetchonly" => $$"""
            async Task onPassInstalled(string passId)
            {
                await fetch("{{partner}}/points/" + passId);
                console.log("v{{version}}", passId);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
        _ => $$"""
            async Task onPassInstalled(string passId)
            {
                var total = 0;
                for (var i = 0; i < 50; i++) total += i;
                await fetch("{{partner}}/points/" + passId, new { Method = "POST", Body = {{Body(version)}} });
                console.log("v{{version}}", passId, total);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
    };

    private static string Body(int version) => Environment.GetEnvironmentVariable("WCP_PROBE_BODY") switch
    {
        "string" => $"\"{{\\\"version\\\":{version}}}\"",
        "dictionary" => $"new Dictionary<string, object> {{ [\"passId\"] = passId, [\"version\"] = {version} }}",
        _ => $"new {{ passId, total, version = {version} }}",
    };

    // The runtime provider with the keywords dotnet-gcdump enables: every blocking full collection then walks the heap
    // and reports each object's type (GCHeapDump 0x100000, GCHeapCollect 0x800000, GC 0x1, Type 0x80000).
    private sealed class HeapWalkListener : EventListener
    {
        private long _events;

        public long Events => Interlocked.Read(ref _events);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)(0x100000 | 0x800000 | 0x1 | 0x80000));
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => Interlocked.Increment(ref _events);
    }
}
