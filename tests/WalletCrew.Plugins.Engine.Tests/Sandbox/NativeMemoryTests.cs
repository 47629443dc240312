using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Memory outside the GC heap (native allocations, past the policy) is not bounded by the heap's hard limit, and the host
/// reads a worker's resident memory only four times a second: before the worker's data segment was limited, a worker
/// touching 64 MiB blocks in a loop peaked at ~770 MiB against its 448 MiB limit before it was killed. Now its allocations
/// fail at the limit and the worker ends on its memory limit, its resident memory never past it. The control: native memory
/// below the limit is the tenant's to use.
/// </summary>
public sealed class NativeMemoryTests
{
    private static readonly long Limit = WorkerLauncher.MemoryLimitBytes(new SandboxOptions().WorkerHeapLimitBytes);

    [Fact]
    public async Task NativeAllocationsPastTheWorkersLimitFailOnItsMemoryLimitWithoutPassingIt()
    {
        var (result, peak) = await AllocateAsync(blocks: 64);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain("memory limit");
        peak.Should().BeLessThan(Limit, "the data segment is full before the resident memory passes the limit");
    }

    [Fact]
    public async Task NegativeControl_NativeMemoryBelowTheLimitIsTheTenantsToUse()
    {
        var (result, peak) = await AllocateAsync(blocks: 2);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("allocated 2 blocks");
        peak.Should().BeGreaterThan(128L * 1024 * 1024, "the blocks were touched, so they were resident");
    }

    /// <summary>Runs a call that allocates and touches <paramref name="blocks"/> native blocks of 64 MiB, keeping them;
    /// returns its result and the worker's highest resident memory seen meanwhile (read every few milliseconds).</summary>
    private static async Task<(InvocationResult Result, long Peak)> AllocateAsync(int blocks)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(20), sandbox: new SandboxOptions { SpareWorkers = 0 });
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                await Task.Yield();
                const int Block = 64 * 1024 * 1024;
                for (var i = 0; i < {{blocks}}; i++)
                {
                    var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(Block);
                    for (var o = 0; o < Block; o += 4096) { System.Runtime.InteropServices.Marshal.WriteByte(p, o, 1); }
                }
                console.log("allocated {{blocks}} blocks");
                await Task.Delay(300);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;

        var call = tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        long peak = 0;
        while (!call.IsCompleted)
        {
            peak = Math.Max(peak, ProcessTree.Usage(worker).ResidentBytes);
            await Task.Delay(5);
        }

        return (await call, peak);
    }
}
