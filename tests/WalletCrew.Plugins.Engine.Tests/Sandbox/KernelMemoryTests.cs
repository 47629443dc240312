using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Memory the kernel holds for a worker outside its processes' resident memory and data segment: pages of a memory file
/// written with <c>write(2)</c> and never mapped, System V shared memory touched a window at a time and detached. Neither
/// limit of the worker's own sees them, so before each worker had a memory group, a tenant past the policy could hold as
/// much of the host's memory as it liked for as long as its worker lived. Now the kernel kills the worker at its memory
/// limit plus its scratch space, and the host names the memory limit. Controls: the same gigabyte without the memory group
/// is held, and a memory file below the limit is the tenant's to use.
/// </summary>
public sealed class KernelMemoryTests
{
    private const int GiB = 1024;

    public static TheoryData<string, string> Hoarders => new()
    {
        { "memory file", MemoryFile(GiB) },
        { "shared memory", SharedMemory(GiB) },
    };

    [Theory]
    [MemberData(nameof(Hoarders))]
    public async Task MemoryTheKernelHoldsForAWorkerEndsItOnItsMemoryLimit(string kind, string hoard)
    {
        var (result, lastStop) = await HoardAsync(hoard, memoryGroups: true);

        result.Status.Should().Be(InvocationStatus.Failed, kind);
        result.Error.Should().Contain("memory limit").And.Contain("the kernel killed it");
        lastStop.Should().Contain("memory limit");
    }

    [Fact]
    public async Task NegativeControl_WithoutItsMemoryGroupAWorkerHoldsAGigabyteOutsideItsLimits()
    {
        var (result, _) = await HoardAsync(MemoryFile(GiB), memoryGroups: false);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be($"ESCAPED:{GiB}");
    }

    [Fact]
    public async Task NegativeControl_AMemoryFileBelowTheLimitIsTheTenantsToUse()
    {
        var (result, _) = await HoardAsync(MemoryFile(64), memoryGroups: true);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("ESCAPED:64");
    }

    /// <summary>Workers each within their own limit can together hold more than the machine has: their groups' parent
    /// bounds them together (<see cref="SandboxOptions.WorkersMemoryLimitBytes"/>), so the kernel stops one of them rather
    /// than the host. Two workers each holding 400 MiB (under their 512) against a bound of 700 MiB: one ends on the
    /// memory limit, named (sometimes both: the second may reach the bound before the first's memory is freed); the
    /// control, without the bound: both hold theirs.</summary>
    [Theory]
    [InlineData(700, true)]
    [InlineData(0, false)]
    public async Task WorkersTogetherAreBoundedSoTheKernelStopsOneOfThemNotTheHost(int workersMiB, bool bounded)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(20), sandbox: new SandboxOptions { SpareWorkers = 0, WorkersMemoryLimitBytes = workersMiB * 1024L * 1024 });
        using var second = new TenantFolder("second-tenant");
        var hoard = MemoryFile(400, holdMs: 3000);
        second.WriteScript("connector.csx", hoard);
        using var first = harness.Load(hoard);
        using var other = harness.Engine.LoadTenant(second.Directory);
        first.Diagnostics.Concat(other.Diagnostics).Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();

        var results = await Task.WhenAll(
            first.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None),
            other.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None));

        var stopped = results.Count(r => r.Status == InvocationStatus.Failed);
        if (bounded)
        {
            stopped.Should().BeGreaterThan(0, "the two together passed their bound");
        }
        else
        {
            stopped.Should().Be(0, string.Join(" | ", results.Select(r => r.Error)));
        }

        foreach (var result in results)
        {
            if (result.Status == InvocationStatus.Failed)
            {
                result.Error.Should().Contain("or all workers' together reached theirs of 700 MiB");
            }
            else
            {
                result.Log.Single().Message.Should().Be("ESCAPED:400");
            }
        }
    }

    [Fact]
    public async Task AWorkerJoinsItsMemoryGroupLimitedToItsMemoryAndScratchSpaceAndTheGroupGoesWithIt()
    {
        string folder;
        using (var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { SpareWorkers = 0 }))
        {
            var tenant = harness.Load("""
                context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok"); return Task.CompletedTask; }) });
                """);
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
            var launcher = harness.Engine.Workers!.Launcher;
            launcher.Layers.MemoryGroup.Should().BeTrue("this test needs a cgroup the host may write (CI runs as root)");
            folder = launcher.GroupFolder("memory")!;
            var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
            var group = Directory.GetDirectories(folder).Should().ContainSingle().Subject;
            File.ReadAllText(Path.Combine(group, "cgroup.procs")).Should().Contain(worker.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var limit = WorkerLauncher.MemoryLimitBytes(new SandboxOptions().WorkerHeapLimitBytes) + WorkerLauncher.ScratchBytes;
            long.Parse(File.ReadAllText(Path.Combine(group, "memory.limit_in_bytes")), System.Globalization.CultureInfo.InvariantCulture).Should().Be(limit);

            tenant.Dispose();
            (await RunawayTests.ProcessTreeGoneAsync(worker, TimeSpan.FromSeconds(10))).Should().BeTrue();
        }

        Directory.Exists(folder).Should().BeFalse("the pool's folder goes with the engine, once its workers are gone");
    }

    /// <summary>Writes <paramref name="mib"/> MiB into a memory file with <c>write(2)</c>, never mapping it, and holds it for
    /// <paramref name="holdMs"/> milliseconds.</summary>
    private static string MemoryFile(int mib, int holdMs = 0) => HostileConnectors.NativeHook($$"""
        var create = Libc<MemfdCreate>("memfd_create");
        var write = Libc<Write>("write");
        var fd = create("filler", 0);
        if (fd < 0) { return "memfd_create errno " + Marshal.GetLastPInvokeError(); }
        var block = Marshal.AllocHGlobal(1 << 20);
        for (var o = 0; o < 1 << 20; o += 4096) { Marshal.WriteByte(block, o, 1); }
        long total = 0;
        for (var i = 0; i < {{mib}}; i++)
        {
            var written = write(fd, block, 1 << 20);
            if (written < 0) { return "write errno " + Marshal.GetLastPInvokeError(); }
            total += written;
        }

        await Task.Delay({{holdMs}});
        return (total >> 20).ToString();
        """, "int MemfdCreate(string name, uint flags)", "long Write(int fd, IntPtr buffer, long count)");

    /// <summary>Fills <paramref name="mib"/> MiB of System V shared memory, 64 MiB segments each attached, touched and
    /// detached, so the worker's resident memory never holds more than one.</summary>
    private static string SharedMemory(int mib) => HostileConnectors.NativeHook($$"""
        var get = Libc<ShmGet>("shmget");
        var attach = Libc<ShmAt>("shmat");
        var detach = Libc<ShmDt>("shmdt");
        const long Segment = 64L << 20;
        for (var i = 0; i < {{mib}} / 64; i++)
        {
            var id = get(0, Segment, 0x200 | 0x180); // IPC_PRIVATE, IPC_CREAT | 0600
            if (id < 0) { return "shmget errno " + Marshal.GetLastPInvokeError(); }
            var at = attach(id, IntPtr.Zero, 0);
            if (at == new IntPtr(-1)) { return "shmat errno " + Marshal.GetLastPInvokeError(); }
            for (long o = 0; o < Segment; o += 4096) { Marshal.WriteByte(at, (int)o, 1); }
            detach(at);
        }

        return "{{mib}}";
        """, "int ShmGet(int key, long size, int flags)", "IntPtr ShmAt(int id, IntPtr address, int flags)", "int ShmDt(IntPtr address)");

    /// <summary>Runs the hoarding hook in a worker with or without its memory group; returns its result and how the worker
    /// ended (null while it runs).</summary>
    private static async Task<(InvocationResult Result, string? LastStop)> HoardAsync(string hook, bool memoryGroups)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(20), sandbox: new SandboxOptions { SpareWorkers = 0, ResourceGroups = memoryGroups });
        using var tenant = harness.Load(hook);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        if (memoryGroups)
        {
            harness.Engine.Workers!.Layers.MemoryGroup.Should().BeTrue("this test needs a cgroup the host may write (CI runs as root)");
        }

        var runtime = (SandboxedTenant)tenant.Runtime;
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        if (result.Status == InvocationStatus.Failed)
        {
            await SandboxSteps.WaitUntilAsync(() => runtime.WorkerStatus.LastStop is not null, TimeSpan.FromSeconds(10));
        }

        return (result, runtime.WorkerStatus.LastStop);
    }
}
