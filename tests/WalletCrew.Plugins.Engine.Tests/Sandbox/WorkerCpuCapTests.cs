using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A worker's threads together get at most <see cref="SandboxOptions.WorkerCpuCores"/> cores (a CPU group of its own), so a
/// tenant that spins while its calls keep the worker busy, where no deadline and no watch can tell, takes no more than that
/// from the host and the other tenants. Each variant spins on threads of its own past the policy while its call waits; the
/// control is the same worker without a cap. The group is the kernel's, so this runs where the host may write a cgroup (CI
/// runs as root; elsewhere the pool reports why there is no cap, and the test says so).
/// </summary>
public sealed class WorkerCpuCapTests
{
    private const double Cap = 0.2;

    // What a capped worker stays under, whatever the machine's load (it measured the cap itself); the control shows the same
    // spin without a cap passes it, so the capped runs could fail. Without a cap the spin's share depends on the load (its
    // threads run at nice 5): 1.6 cores on a quiet machine, 0.5 at a load average of 10.
    private const double Bound = Cap * 1.5;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    public static TheoryData<string, string> Spinners => new()
    {
        { "three threads of its own", "for (var i = 0; i < 3; i++) { new Thread(spin) { IsBackground = true }.Start(); }" },
        { "one thread of its own and the call's own thread", "new Thread(spin) { IsBackground = true }.Start(); spin();" },
        { "a loop inside a framework call on each of two threads", "for (var i = 0; i < 2; i++) { new Thread(() => Thread.SpinWait(int.MaxValue)) { IsBackground = true }.Start(); }" },
    };

    [Theory]
    [MemberData(nameof(Spinners))]
    public async Task AWorkerSpinningWhileItsCallRunsGetsNoMoreThanItsCap(string kind, string spinning)
    {
        var used = await CoresUsedAsync(Cap, spinning);

        used.Should().BeLessThan(Bound, $"{kind}: the worker's group lets it run {Cap} of a core per period");
    }

    [Fact]
    public async Task NegativeControl_WithoutACapTheSameSpinPassesTheBound()
    {
        var used = await CoresUsedAsync(0, Spinners.First()[1].ToString()!);

        used.Should().BeGreaterThan(Bound, "three spinning threads take what the machine's cores give them");
    }

    [Fact]
    public async Task AWorkersGroupIsRemovedWhenItEndsAndThePoolsWhenTheEngineStops()
    {
        string folder;
        using (var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { WorkerCpuCores = Cap, SpareWorkers = 0 }))
        {
            var tenant = harness.Load("""
                context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok"); return Task.CompletedTask; }) });
                """);
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
            folder = CapFolder(harness);
            var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
            var group = Directory.GetDirectories(folder).Should().ContainSingle().Subject;
            File.ReadAllText(Path.Combine(group, "cgroup.procs")).Should().Contain(worker.ToString(System.Globalization.CultureInfo.InvariantCulture), "bubblewrap joined the group before it started");
            File.ReadAllText(Path.Combine(group, "cpu.cfs_quota_us")).Trim().Should().Be("20000", "a fifth of each 100 ms period, set once the worker answered its load");

            tenant.Dispose();
            (await RunawayTests.ProcessTreeGoneAsync(worker, TimeSpan.FromSeconds(10))).Should().BeTrue();
        }

        Directory.Exists(folder).Should().BeFalse("the pool's folder goes with the engine, once its workers are gone");
    }

    [Fact]
    public void AConfiguredFolderThatIsNoCgroupIsRefusedByName()
    {
        var folder = Directory.CreateTempSubdirectory("wcp-not-a-cgroup-").FullName;
        try
        {
            var act = () => new WorkerLauncher(new SandboxOptions { CgroupDirectory = folder });

            act.Should().Throw<InvalidOperationException>().WithMessage($"*WalletCrew:Engine:WorkerCgroup is '{folder}', which is not a cgroup folder*");
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void AConfiguredCgroupV2GroupWithoutTheControllersIsRefusedByNameAndLeftAsItWas()
    {
        // This machine's cgroup v2 hierarchy has no controller (cpu is in the v1 one): a group the host cannot give a cap.
        const string Unified = "/sys/fs/cgroup/unified";
        File.Exists(Path.Combine(Unified, "cgroup.controllers")).Should().BeTrue("the test runs where a cgroup v2 hierarchy is mounted beside the v1 ones");
        var before = Directory.GetDirectories(Unified);

        var act = () => new WorkerLauncher(new SandboxOptions { CgroupDirectory = Unified });

        act.Should().Throw<InvalidOperationException>().WithMessage($"*WalletCrew:Engine:WorkerCgroup is '{Unified}', a cgroup v2 group without the cpu controller*Delegate=cpu memory*");
        Directory.GetDirectories(Unified).Should().BeEquivalentTo(before, "nothing of the refused start is left behind");
    }

    /// <summary>Runs a call that spins as <paramref name="spinning"/> says (a local <c>spin</c> spins until 3 s after the
    /// call started) and waits 3.5 s; returns the worker's average cores over 2 s of it.</summary>
    private static async Task<double> CoresUsedAsync(double cap, string spinning)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(10), sandbox: new SandboxOptions { WorkerCpuCores = cap, SpareWorkers = 0 });
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                var until = DateTime.UtcNow.AddSeconds(3);
                void spin() { while (DateTime.UtcNow < until) { } }
                {{spinning}}
                await Task.Delay(3500);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
        if (cap > 0)
        {
            CapFolder(harness);
        }

        var call = tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        await Task.Delay(500);
        var before = ProcessTree.Usage(worker).CpuTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(Window);
        var used = (ProcessTree.Usage(worker).CpuTime - before) / clock.Elapsed; // a loaded machine's delay runs long
        (await call).Status.Should().Be(InvocationStatus.Succeeded);
        return used;
    }

    private static string CapFolder(EngineHarness harness)
    {
        var launcher = harness.Engine.Workers!.Launcher;
        launcher.Layers.CpuCap.Should().BeTrue("this test needs a cgroup the host may write (CI runs as root)");
        return launcher.GroupFolder("cpu")!;
    }
}
