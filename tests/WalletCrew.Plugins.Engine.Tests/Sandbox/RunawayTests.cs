using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Code no checkpoint can stop (it spins or blocks inside the framework) ends at the deadline plus the grace in the
/// sandbox: the host kills the worker, so nothing of it is left running. The in-process control shows the same call
/// is still running after the deadline there.
/// </summary>
public sealed class RunawayTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    public static TheoryData<string, string> Runaways => new()
    {
        { "catastrophic regex", "return System.Text.RegularExpressions.Regex.IsMatch(new string('a', 64) + \"!\", \"^(a+)+$\", System.Text.RegularExpressions.RegexOptions.None, System.Threading.Timeout.InfiniteTimeSpan).ToString();" },
        { "loop inside a BCL call", "System.Threading.Thread.SpinWait(int.MaxValue); return \"spun\";" },
        { "blocking wait", "new System.Threading.ManualResetEventSlim().Wait(); return \"woke\";" },
    };

    [Theory]
    [MemberData(nameof(Runaways))]
    public async Task ARunawayEndsAtTheDeadlinePlusGraceAndLeavesNothingRunning(string kind, string body)
    {
        using var harness = RunawayHarness();
        using var tenant = harness.Load(HostileConnectors.Hook(body));
        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;

        var clock = Stopwatch.StartNew();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        clock.Stop();

        result.Status.Should().Be(InvocationStatus.TimedOut, kind);
        result.Error.Should().Contain("worker was killed");
        clock.Elapsed.Should().BeLessThan(Deadline + Grace + TimeSpan.FromSeconds(3), "the host kills the worker once the grace is over");
        (await ProcessTreeGoneAsync(worker, TimeSpan.FromSeconds(5))).Should().BeTrue("a killed worker holds no core");
    }

    public static TheoryData<string, string> Outlivers => new()
    {
        { "a spin on a thread of its own", "new System.Threading.Thread(() => System.Threading.Thread.SpinWait(int.MaxValue)) { IsBackground = true }.Start(); return \"started\";" },
        { "a catastrophic regex on a thread of its own", "new System.Threading.Thread(() => System.Text.RegularExpressions.Regex.IsMatch(new string('a', 64) + \"!\", \"^(a+)+$\", System.Text.RegularExpressions.RegexOptions.None, System.Threading.Timeout.InfiniteTimeSpan)).Start(); return \"started\";" },
    };

    /// <summary>
    /// Code that leaves a spin behind and returns at once is answered in time, so no deadline catches it: the host watches
    /// the worker's CPU, and one that keeps a core busy with no call running is killed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Outlivers))]
    public async Task ASpinLeftBehindByACallThatReturnedIsKilled(string kind, string body)
    {
        using var harness = RunawayHarness();
        using var tenant = harness.Load(HostileConnectors.Hook(body));
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).Should().BeEmpty(kind);
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, kind);
        result.Log.Single().Message.Should().StartWith("ESCAPED:", "the call itself returned at once");
        (await ProcessTreeGoneAsync(worker, TimeSpan.FromSeconds(20))).Should().BeTrue("a worker whose CPU is busy with no call running is killed");
        await SandboxSteps.WaitUntilAsync(() => sandboxed.WorkerStatus.LastStop is not null, TimeSpan.FromSeconds(10));
        sandboxed.WorkerStatus.LastStop.Should().Be(SandboxMessages.BusyWithoutCall);
    }

    [Fact]
    public async Task AWorkerIdleAfterManyCallsKeepsRunning()
    {
        // The controls: the runtime's own work after calls (tiered compilation, the GC) is not taken for a spin, nor is a
        // thread left behind that sleeps (it holds no core).
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load("""
            new System.Threading.Thread(() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite)) { IsBackground = true }.Start();
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        for (var i = 0; i < 500; i++)
        {
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: $"P{i}"), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        }

        await Task.Delay(TimeSpan.FromSeconds(4));

        sandboxed.WorkerStatus.LastStop.Should().BeNull();
        sandboxed.WorkerProcessId.Should().Be(worker);
    }

    [Fact]
    public async Task InProcessTheSameSpinOutlivesItsDeadline()
    {
        // Negative control: in-process the invocation returns TimedOut, but the spinning call goes on and finishes later.
        var marker = Path.Combine(Directory.CreateTempSubdirectory("wcp-spin-").FullName, "finished");
        using var harness = new EngineHarness(isolation: IsolationMode.InProcess, invocationTimeout: Deadline, widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load(HostileConnectors.Hook($"System.Threading.Thread.SpinWait(500_000_000); File.WriteAllText(@\"{marker}\", \"x\"); return \"spun\";"));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        var finishedAtReturn = File.Exists(marker);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        finishedAtReturn.Should().BeFalse();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(240))
        {
            await Task.Delay(50);
        }

        File.Exists(marker).Should().BeTrue("the spin kept running after its invocation had timed out");
        Directory.Delete(Path.GetDirectoryName(marker)!, recursive: true);
    }

    [Fact]
    public async Task AOneGibibyteAllocationFailsOnTheMemoryLimitAndTheNextCallGetsAFreshWorker()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, invocationTimeout: TimeSpan.FromSeconds(10), widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { WorkerHeapLimitBytes = 128L * 1024 * 1024 });
        using var tenant = harness.Load("""
            var calls = 0;
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                await Task.Yield();
                if (passId == "big") { var block = new byte[1 << 30]; block[^1] = 1; console.log(block.Length.ToString()); }
                console.log($"call {++calls}");
            }) });
            """);

        var first = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "big"), CancellationToken.None);
        var second = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "small"), CancellationToken.None);

        first.Status.Should().Be(InvocationStatus.Failed);
        first.Error.Should().Contain("memory limit");
        second.Status.Should().Be(InvocationStatus.Succeeded, second.Error);
        second.Log.Select(l => l.Message).Should().Equal("call 1"); // a fresh worker: the counter started over
    }

    [Theory]
    [InlineData(null, InvocationStatus.Succeeded)]
    [InlineData(64, InvocationStatus.Failed)]
    public async Task ATenantsOwnHeapLimitAppliesToItsWorker(int? workerHeapMiB, InvocationStatus expected)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        if (workerHeapMiB is { } mib)
        {
            File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), $$"""{ "limits": { "workerHeapMiB": {{mib}} } }""");
        }

        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                await Task.Yield();
                var block = new byte[96 * 1024 * 1024];
                block[^1] = 1;
                console.log(block.Length.ToString());
            }) });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(expected, result.Error);
        if (expected == InvocationStatus.Failed)
        {
            result.Error.Should().Contain("memory limit");
        }
    }

    /// <summary>A sandboxed engine with this class's deadline and grace, its policy off.</summary>
    /// <summary>
    /// Engine work bounded by steps, not by checkpoints, ends with its call: an email render (about an hour of CPU within
    /// the step limit) still running when its sender returned without awaiting it stops, so the worker goes idle and is
    /// not killed for it. Without the call's end cancelling it, the render keeps a core busy until the host's watch kills
    /// the worker. (One awaited past the deadline stops at the deadline the same way; in a sandbox the host kills the
    /// worker of any call that timed out anyway.)
    /// </summary>
    [Fact]
    public async Task AnEmailRenderTheSenderDidNotAwaitEndsWithItsCall()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, invocationTimeout: TimeSpan.FromSeconds(10));
        Email.EmailSenderTests.WriteTemplate(harness, "slow.liquid", Email.EmailSenderTests.SlowTemplate);
        using var tenant = harness.Load("""
            async Task sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyList<string> cultures, Func<string, Task<EmailContent>> buildEmail)
            {
                async Task Render() { await Task.Delay(1); await buildEmail("slow"); }
                _ = Render();
                await Task.Delay(500);
            }
            context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
            """);
        var sandboxed = (SandboxedTenant)tenant.Runtime;

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);
        var worker = sandboxed.WorkerProcessId!.Value;

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        (await IdleWithinAsync(worker, TimeSpan.FromSeconds(8))).Should().BeTrue("the render stops with its call");
        sandboxed.WorkerStatus.LastStop.Should().BeNull();
        sandboxed.WorkerProcessId.Should().Be(worker);
    }

    private static EngineHarness RunawayHarness() =>
        new(isolation: IsolationMode.Sandbox, invocationTimeout: Deadline, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { KillGrace = Grace });

    // Whether the worker's tree uses under a tenth of a core over one second, within the time given.
    private static async Task<bool> IdleWithinAsync(int processId, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            var before = ProcessTree.Usage(processId).CpuTime;
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (ProcessTree.Usage(processId).CpuTime - before < TimeSpan.FromMilliseconds(100))
            {
                return true;
            }
        }

        return false;
    }

    internal static async Task<bool> ProcessTreeGoneAsync(int processId, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (!Directory.Exists($"/proc/{processId}") || File.ReadAllText($"/proc/{processId}/stat").Split(' ')[2] == "Z")
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
