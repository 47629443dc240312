using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A spare worker (<see cref="SandboxOptions.SpareWorkers"/>) is started before any tenant needs it, sees nothing of any
/// tenant until one claims it, then is that tenant's worker alone, inside the same sandbox; with spares off a tenant's
/// worker starts after its load, as before.
/// </summary>
public sealed class SpareWorkerTests : IDisposable
{
    private const string Hook = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    [Fact]
    public async Task ATenantsFirstCallIsServedByASpareStartedBeforeTheTenantWasLoaded()
    {
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox));
        var first = Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var beforeLoad = DateTimeOffset.UtcNow;

        var second = LoadTenant(harness, "second-tenant", Hook);
        await SandboxSteps.CallAsync(second);

        second.Worker!.ProcessId.Should().Be(spare.ProcessId, "the tenant claimed the spare");
        second.Worker.StartedAt.Should().BeBefore(beforeLoad, "the spare was started before the tenant was loaded");
        first.Worker!.ProcessId.Should().NotBe(spare.ProcessId, "two tenants never share a worker");
        harness.Engine.Workers!.Spares.Select(s => s.ProcessId).Should().NotContain(spare.ProcessId, "a claimed spare is never offered again");
    }

    /// <summary>The negative control: with spares off, the worker that serves the first call starts after the load.</summary>
    [Fact]
    public async Task WithoutSparesATenantsWorkerStartsAfterItsLoad()
    {
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { SpareWorkers = 0 }));
        Own(harness.Load(Hook));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var beforeLoad = DateTimeOffset.UtcNow;

        var second = LoadTenant(harness, "second-tenant", Hook);
        await SandboxSteps.CallAsync(second);

        harness.Engine.Workers!.Spares.Should().BeEmpty();
        second.Worker!.StartedAt.Should().BeOnOrAfter(beforeLoad);
    }

    [Fact]
    public async Task ASpareSeesNoTenantUntilItsClaimAndThenOnlyThatTenant()
    {
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var slot = spare.Slot!;
        await SandboxSteps.WaitUntilAsync(() => ProcessTree.SelfAndDescendants(spare.ProcessId).Count() >= 3, Patience); // bwrap, its init, dotnet
        var inside = $"/proc/{ProcessTree.SelfAndDescendants(spare.ProcessId).Last()}/root";

        var beforeClaim = (Host: Listing(slot.Tenants, slot.Cache), Inside: Listing($"{inside}/tenants", $"{inside}/cache"));
        var second = LoadTenant(harness, "second-tenant", Hook);
        await SandboxSteps.CallAsync(second);
        var afterClaim = (Host: Listing(slot.Tenants, slot.Cache), Inside: Listing($"{inside}/tenants", $"{inside}/cache"));

        second.Worker!.ProcessId.Should().Be(spare.ProcessId);
        beforeClaim.Host.Should().BeEmpty();
        beforeClaim.Inside.Should().BeEmpty();
        afterClaim.Inside.Should().Equal("cache/second-tenant", "tenants/second-tenant"); // the control: the listing from inside sees the claim
        afterClaim.Host.Should().Equal(afterClaim.Inside);
    }

    [Fact]
    public async Task AClaimedSparesFoldersAreDeletedWhenItsWorkerEnds()
    {
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var second = LoadTenant(harness, "second-tenant", Hook);
        await SandboxSteps.CallAsync(second);
        Directory.Exists(spare.Slot!.Directory).Should().BeTrue();

        second.Dispose();

        await SandboxSteps.WaitUntilAsync(() => !Directory.Exists(spare.Slot.Directory), Patience);
        (await RunawayTests.ProcessTreeGoneAsync(spare.ProcessId, Patience)).Should().BeTrue("the claimed spare is stopped with its tenant");
    }

    /// <summary>
    /// A tenant whose <c>server/email</c> is a link to a folder of the host's: before each send the host brings the copy's
    /// templates up to date, and through the link (copied as a link) both paths led to that folder, which the mirror then
    /// rewrote as the host's user: its entries in the making (<c>.tmp</c>) deleted, any other file copied onto itself. Now
    /// nothing there changes. The control: the send ran in the claimed spare, whose copy holds the link.
    /// </summary>
    [Fact]
    public async Task AnEmailFolderThatIsALinkLeavesTheFolderItPointsToAlone()
    {
        var outside = Directory.CreateTempSubdirectory("wcp-outside-").FullName;
        _owned.Add(new Deleting(outside));
        File.WriteAllText(Path.Combine(outside, "victim.tmp"), "in the making");
        File.WriteAllText(Path.Combine(outside, "welcome.liquid"), "Hi {{ firstName }}");
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var folder = Own(new TenantFolder("second-tenant"));
        Directory.CreateDirectory(Path.Combine(folder.Directory, "server"));
        File.CreateSymbolicLink(Path.Combine(folder.Directory, "server", "email"), outside);
        folder.WriteScript("sender.csx", Email.EmailSenderTests.LoggingSender);

        var second = Own(harness.Engine.LoadTenant(folder.Directory));
        var sent = await second.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        second.Worker!.ProcessId.Should().Be(spare.ProcessId);
        sent.Status.Should().Be(InvocationStatus.Failed, "the link leads nowhere inside the sandbox");
        Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName).Should().BeEquivalentTo(["victim.tmp", "welcome.liquid"]);
        File.ReadAllText(Path.Combine(outside, "victim.tmp")).Should().Be("in the making");
    }

    [Fact]
    public async Task AClaimedSpareCannotReadACanaryOutsideItsTenantNotEvenThroughALinkInTheTenantsFolder()
    {
        var outside = Directory.CreateTempSubdirectory("wcp-outside-").FullName;
        _owned.Add(new Deleting(outside));
        var canary = Path.Combine(outside, "canary.txt");
        File.WriteAllText(canary, "canary-7f3a");
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow =>
        {
            HostileConnectors.PolicyOff(allow);
            allow.Types("System.IO", "FileSystemInfo");
        }));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var folder = Own(new TenantFolder("second-tenant"));
        File.CreateSymbolicLink(Path.Combine(folder.Directory, "canary-link.txt"), canary);
        folder.WriteScript("hook.csx", HostileConnectors.Hook($$"""
            var link = new FileInfo("/tenants/second-tenant/canary-link.txt").LinkTarget ?? "(no link)";
            string Read(string path) { try { return File.ReadAllText(path); } catch (Exception e) { return e.GetType().Name; } }
            return $"{link}|{Read(@"{{canary}}")}|{Read("/tenants/second-tenant/canary-link.txt")}";
            """));

        var second = Own(harness.Engine.LoadTenant(folder.Directory));
        second.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        var result = await second.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        second.Worker!.ProcessId.Should().Be(spare.ProcessId);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be($"ESCAPED:{canary}|DirectoryNotFoundException|FileNotFoundException",
            "the link was copied as a link (the control), and neither path reaches the canary");
    }

    [Fact]
    public async Task ATenantWithItsOwnHeapLimitGetsAFreshWorkerAndLeavesTheSpare()
    {
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        var folder = Own(new TenantFolder("second-tenant"));
        File.WriteAllText(Path.Combine(folder.Directory, "tenant.json"), """{ "limits": { "workerHeapMiB": 128 } }""");
        folder.WriteScript("hook.csx", Hook);

        var second = Own(harness.Engine.LoadTenant(folder.Directory));
        await SandboxSteps.CallAsync(second);

        second.Worker!.ProcessId.Should().NotBe(spare.ProcessId);
        harness.Engine.Workers!.Spares.Select(s => s.ProcessId).Should().Contain(spare.ProcessId);
    }

    [Fact]
    public async Task ASpareThatDiedIsReplacedByAFreshStartAndLoggedOnce()
    {
        var log = new RecordingLoggerFactory();
        var harness = Own(new EngineHarness(isolation: IsolationMode.Sandbox, loggerFactory: log));
        Own(harness.Load(Hook));
        var spare = await SpareAsync(harness);
        Process.GetProcessById(spare.ProcessId).Kill(entireProcessTree: true);
        await SandboxSteps.WaitUntilAsync(() => spare.HasExited, Patience);

        var second = LoadTenant(harness, "second-tenant", Hook);
        await SandboxSteps.CallAsync(second);

        second.Worker!.ProcessId.Should().NotBe(spare.ProcessId);
        log.Lines.Where(l => l.Contains("ended before a tenant claimed it", StringComparison.Ordinal)).Should().ContainSingle();
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private TenantConnectors LoadTenant(EngineHarness harness, string tenantId, string script)
    {
        var folder = Own(new TenantFolder(tenantId));
        folder.WriteScript("hook.csx", script);
        return Own(harness.Engine.LoadTenant(folder.Directory));
    }

    /// <summary>Waits until the pool has a spare whose runtime has had a second to start.</summary>
    private static async Task<WorkerProcess> SpareAsync(EngineHarness harness)
    {
        await SandboxSteps.WaitUntilAsync(() => harness.Engine.Workers!.Spares.Count > 0, Patience);
        var spare = harness.Engine.Workers!.Spares[0];
        await Task.Delay(TimeSpan.FromSeconds(1));
        spare.HasExited.Should().BeFalse(spare.HasExited ? spare.Exited.Result : "");
        return spare;
    }

    private static List<string> Listing(params string[] folders) =>
        [.. folders.SelectMany(f => Directory.EnumerateFileSystemEntries(f).Select(e => $"{Path.GetFileName(f)}/{Path.GetFileName(e)}")).Order(StringComparer.Ordinal)];

    private sealed class Deleting(string directory) : IDisposable
    {
        public void Dispose() => Directory.Delete(directory, recursive: true);
    }
}
