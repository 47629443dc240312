using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>A worker that dies mid-invocation fails that invocation with the reason; the next call starts a fresh worker and other tenants never notice.</summary>
public sealed class WorkerCrashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public async Task AStackOverflowFailsTheCallNamingItAndTheFixedConnectorServesAfterReload(int framesBeneath)
    {
        // No checkpoints: nothing stops the recursion before the runtime does (in-process this would end the host). The
        // runtime's report names the overflow first and the frames beneath the recursion after it, as many as there are
        // (none of them inlined: a first call runs code compiled without optimisation).
        var beneath = string.Concat(Enumerable.Range(1, framesBeneath).Select(i =>
            $"int Frame{i}() => {(i == 1 ? "Deep(0)" : $"Frame{i - 1}()")} + 1;\n"));
        var start = framesBeneath == 0 ? "Deep(0)" : $"Frame{framesBeneath}()";
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, checkpoints: false);
        using var tenant = harness.Load($$"""
            int Deep(int n) => n == int.MinValue ? 0 : Deep(n + 1) + 1;
            {{beneath}}
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log({{start}}.ToString()); return Task.CompletedTask; }) });
            """);

        var crashed = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        crashed.Status.Should().Be(InvocationStatus.Failed);
        crashed.Error.Should().Contain("it crashed with a stack overflow: Repeated").And.Contain("Deep", "the report names the recursing function");

        harness.Folder.WriteScript("connector.csx", """
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("fixed " + passId); return Task.CompletedTask; }) });
            """);
        (await tenant.ReloadAsync()).Should().BeTrue();
        var fixedCall = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        fixedCall.Status.Should().Be(InvocationStatus.Succeeded, fixedCall.Error);
        fixedCall.Log.Single().Message.Should().Be("fixed P1");
    }

    /// <summary>
    /// Failures no code can catch, each from tenant code the policy would refuse (widened here): the call fails naming what
    /// the runtime reported, however many frames it printed after that, and the next call gets a fresh worker.
    /// </summary>
    [Theory]
    [InlineData("an access violation", "System.Runtime.InteropServices.Marshal.ReadInt64(new IntPtr(0x7fff_dead_0000L));", "Fatal error.")]
    [InlineData("a throwing timer callback", "new System.Threading.Timer(_ => throw new InvalidOperationException(\"timer says no\\u001b[2J\\rforged\"), null, 0, -1); await Task.Delay(10_000);",
        "Unhandled exception. System.InvalidOperationException: timer says no\\u001b[2J\\rforged")]
    [InlineData("a long message", "new System.Threading.Thread(() => throw new InvalidOperationException(\"thread says no\" + new string('!', 600))).Start(); await Task.Delay(10_000);",
        "Unhandled exception. System.InvalidOperationException: thread says no!!!")]
    [InlineData("a throwing thread", "new System.Threading.Thread(() => throw new InvalidOperationException(\"thread says no\")).Start(); await Task.Delay(10_000);",
        "Unhandled exception. System.InvalidOperationException: thread says no")]
    public async Task AWorkerThatCrashesFailsTheCallNamingTheRuntimesReport(string kind, string crash, string reported)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow => allow
            .Types("System.Runtime.InteropServices", "Marshal").Types("System", "IntPtr").Types("System.Threading", "Timer", "TimerCallback", "Thread", "ThreadStart"));
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "boom") { {{crash}} }
                await Task.Yield();
                console.log("done " + passId);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty(kind);
        var first = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;

        var crashed = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "boom"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        crashed.Status.Should().Be(InvocationStatus.Failed, kind);
        crashed.Error.Should().Contain("worker stopped during the invocation: it crashed").And.Contain(reported, kind)
            .And.NotContain("WalletCrew.Plugins.", "the engine's frames are not named to the tenant");
        crashed.Error.Should().NotContainAny(["\u001b", "\r", "\n"], "what tenant code made the runtime print stays one escaped line");
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        ((SandboxedTenant)tenant.Runtime).WorkerProcessId.Should().NotBe(first);
    }

    /// <summary>
    /// A worker that writes without end to its standard error (which the host reads, to name a crash) is killed once past
    /// the bound, whether it writes one endless line or many short ones; the host holds at most a few lines of it.
    /// </summary>
    [Theory]
    [InlineData("one line without end", "x")]
    [InlineData("many short lines", "spam\\n")]
    public async Task AWorkerThatFloodsItsStandardErrorIsKilledNamingIt(string kind, string unit)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow => allow.Types("System", "Console").Types("System.IO", "Stream"));
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId =>
            {
                if (passId == "flood")
                {
                    var chunk = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{{unit}}", 65536 / "{{unit}}".Length)));
                    var stderr = Console.OpenStandardError();
                    for (var i = 0; i < 1024; i++) { stderr.Write(chunk, 0, chunk.Length); }
                }
                console.log("done " + passId);
                return Task.CompletedTask;
            }) });
            """);
        var first = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;

        var flooded = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "flood"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        flooded.Status.Should().Be(InvocationStatus.Failed, kind);
        flooded.Error.Should().Contain(SandboxMessages.StderrOverflow, kind);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        ((SandboxedTenant)tenant.Runtime).WorkerProcessId.Should().NotBe(first);
    }

    /// <summary>
    /// Code that outlives its call and keeps calling the host (here a loop on a missing secret, started by the hook and left
    /// running) would keep a host thread busy for as long as the worker lives: the worker is killed at its first such call,
    /// named, and the next call gets a fresh one. The control: the same loop inside the call is answered.
    /// </summary>
    [Fact]
    public async Task AWorkerWhoseCodeCallsTheHostAfterItsCallEndedIsKilled()
    {
        // Without checkpoints, as code past the weaving would be: with them, the ended call's budget stops the loop at once.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, checkpoints: false);
        using var tenant = harness.Load("""
            async Task ask(int times) { for (var i = 0; i < times; i++) { try { await getSecret("missing"); } catch (KeyNotFoundException) { } } }
            async Task later() { await Task.Delay(200); await ask(int.MaxValue); }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "inside") { await ask(200); }
                if (passId == "after") { _ = later(); }
                console.log("done " + passId);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var first = sandboxed.WorkerProcessId!.Value;

        var inside = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "inside"), CancellationToken.None);
        inside.Status.Should().Be(InvocationStatus.Succeeded, inside.Error);
        sandboxed.WorkerProcessId.Should().Be(first, "the control: calls inside the call are answered");

        var after = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "after"), CancellationToken.None);
        after.Status.Should().Be(InvocationStatus.Succeeded, after.Error);
        await SandboxSteps.WaitUntilAsync(() => sandboxed.WorkerStatus.LastStop is not null, TimeSpan.FromSeconds(30));
        sandboxed.WorkerStatus.LastStop.Should().Be(SandboxMessages.CalledWhileIdle);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        sandboxed.WorkerProcessId.Should().NotBe(first);
    }

    [Fact]
    public async Task AWorkerKilledMidInvocationFailsThatCallAndTheNextCallStartsAFreshOne()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId => { if (passId == "slow") await Task.Delay(30_000); console.log("done " + passId); }) });
            """);
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var first = sandboxed.WorkerProcessId!.Value;

        var slow = tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "slow"), CancellationToken.None);
        await Task.Delay(300);
        Process.GetProcessById(first).Kill(entireProcessTree: true);
        var killed = await slow;
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        killed.Status.Should().Be(InvocationStatus.Failed);
        killed.Error.Should().Contain("worker stopped during the invocation");
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        sandboxed.WorkerProcessId.Should().NotBe(first);
    }

    [Theory]
    [InlineData(512 * 1024)]
    [InlineData(100)]
    public async Task AWorkerThatStopsReadingItsChannelStillEndsTheNextCallAtItsDeadline(int customerIdLength)
    {
        // A hostile connector (policy off) stops its own worker with SIGSTOP after answering: the host's next request finds a
        // worker that reads nothing. A request larger than the pipe's buffer then blocks in the write itself, which the
        // deadline must still end (the small request is the control: its write completes and only its answer is waited for).
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, invocationTimeout: TimeSpan.FromSeconds(2), widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load(HostileConnectors.NativeHook("""
            var call = Libc<Syscall>("syscall");
            var stopper = new System.Threading.Thread(() => { System.Threading.Thread.Sleep(300); call(62, call(39, 0, 0, 0), 19, 0); }); // kill(getpid(), SIGSTOP), x86-64
            stopper.Start();
            return "stopping";
            """, "long Syscall(long number, long a, long b, long c)"));
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var stopping = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "stop"), CancellationToken.None);
        await Task.Delay(1000);
        var stuck = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "big", customerId: new string('c', customerIdLength)), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "next"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        stopping.Log.Single().Message.Should().Be("ESCAPED:stopping");
        stuck.Status.Should().Be(InvocationStatus.TimedOut, stuck.Error);
        stuck.Error.Should().Contain("its worker was killed");
        next.Log.Should().ContainSingle().Which.Message.Should().Be("ESCAPED:stopping", "a fresh worker served the next call");
    }

    [Fact]
    public async Task AnotherTenantKeepsServingWhileOneCrashesAgainAndAgain()
    {
        using var crashing = new EngineHarness(tenantId: "crashing", isolation: IsolationMode.Sandbox, checkpoints: false);
        using var healthy = new EngineHarness(tenantId: "healthy", isolation: IsolationMode.Sandbox);
        using var bad = crashing.Load("""
            int Deep(int n) => Deep(n + 1) + 1;
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log(Deep(0).ToString()); return Task.CompletedTask; }) });
            """);
        using var good = healthy.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
            """);

        var crashes = Task.WhenAll(Enumerable.Range(0, 3).Select(i => bad.InvokePassUpdatersAsync(TestEvents.Installation(passId: $"C{i}", tenantId: "crashing"), CancellationToken.None)));
        var served = new List<InvocationResult>();
        for (var i = 0; i < 10; i++)
        {
            served.Add(await good.InvokePassUpdatersAsync(TestEvents.Installation(passId: $"G{i}", tenantId: "healthy"), CancellationToken.None));
        }

        (await crashes).Should().OnlyContain(r => r.Status == InvocationStatus.Failed);
        served.Should().OnlyContain(r => r.Status == InvocationStatus.Succeeded);
    }
}
