using System.Runtime.CompilerServices;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>The zombie report tells "not collected yet" from "held": a released version counts only after full collections since its release.</summary>
[Collection(UnloadCollection.Name)]
public sealed class ZombieReportTests
{
    private const string Clean = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => console.log("v2", passId) });
        """;

    // Holds itself alive through the host's static event: a true zombie, the negative control.
    private const string Held = """
        WalletCrew.Plugins.Engine.Tests.Support.HostSignals.Changed += (sender, args) => console.log("changed");
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => console.log("v1", passId) });
        """;

    [Fact]
    public async Task HeldVersionIsReportedOnlyAfterAFullCollectionAndACleanOneNever()
    {
        using var harness = Harness();
        using var held = await LoadAndReplace(harness, Held);
        using var clean = await LoadAndReplace(harness, Clean.Replace("v2", "v1", StringComparison.Ordinal));
        var collections = GC.CollectionCount(GC.MaxGeneration);

        var beforeCollection = harness.Engine.GetZombies(TimeSpan.Zero);

        GC.CollectionCount(GC.MaxGeneration).Should().Be(collections, "the report never collects by itself");
        beforeCollection.Should().BeEmpty("no full collection has run since the release, so nothing can be told apart yet");
        await CollectFully();
        harness.Engine.GetZombies(TimeSpan.Zero).Should().ContainSingle().Which.TenantId.Should().Be("held");
    }

    [Fact]
    public async Task GracePeriodStillAppliesAfterFullCollections()
    {
        using var harness = Harness();
        using var held = await LoadAndReplace(harness, Held);

        await CollectFully();

        harness.Engine.GetZombies(TimeSpan.FromHours(1)).Should().BeEmpty();
        harness.Engine.GetZombies(TimeSpan.Zero).Should().ContainSingle().Which.Path.Should().Be("server/script/crm.csx");
    }

    private static EngineHarness Harness() => new(
        widenPolicy: allow => allow.Type(typeof(HostSignals).FullName!),
        references: [typeof(HostSignals).Assembly.Location]);

    // Loads a tenant of its own (named by its first version) in the harness's engine, invokes it, and replaces it with a clean version.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<TenantConnectors> LoadAndReplace(EngineHarness harness, string first)
    {
        var folder = Path.Combine(Path.GetDirectoryName(harness.Folder.Directory)!, first == Held ? "held" : "clean");
        var script = Path.Combine(folder, "server", "script", "crm.csx");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        await File.WriteAllTextAsync(script, first);
        var tenant = harness.Engine.LoadTenant(folder);
        tenant.Diagnostics.Should().BeEmpty();
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Log.Select(l => l.Message).Should().Equal("v1 P1");
        await File.WriteAllTextAsync(script, Clean);
        (await tenant.ReloadAsync()).Should().BeTrue();
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Log.Select(l => l.Message).Should().Equal("v2 P1");
        return tenant;
    }

    // What an operator's full collections would do, on a fresh stack so no frame of the test holds a released version.
    private static async Task CollectFully()
    {
        await Task.Yield();
        await Task.Run(() =>
        {
            for (var pass = 0; pass < 5; pass++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
            }
        });
    }
}
