using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A call whose caller leaves (a Fill's client hangs up, the host stops) is cancelled in the worker, but its code runs on
/// until it sees the cancellation, or for ever if it spins past the policy. Until the worker says it has ended, the call
/// is still the worker's: its calls to the host are answered (not taken for forged ones, which would kill the worker and
/// every other call of the tenant with it), and the deadline still holds, so a runaway whose caller left is killed at
/// the deadline plus the grace like any other.
/// </summary>
public sealed class CancelledCallTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>How honest code calls the host: a secret, or a <c>fetch</c> to a partner (past the outbound limit the host refuses it, and the loop goes on).</summary>
    public static TheoryData<string> HostCalls => ["try { await getSecret(\"missing\"); } catch (KeyNotFoundException) { }", "try { await fetch(PARTNER); } catch (Exception) { }"];

    [Theory]
    [MemberData(nameof(HostCalls))]
    public async Task ACancelledCallThatGoesOnCallingTheHostEndsWithoutHarmToTheTenantsOtherCalls(string call)
    {
        await using var partner = await PartnerStub.StartAsync();

        // Without checkpoints, as a plugin's code runs: nothing ends it when it is cancelled but its own code.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, checkpoints: false, allowLoopback: true);
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "chatty")
                {
                    // Honest code that does not look at its cancellation: it calls the host now and then, for a while.
                    for (var i = 0; i < 100; i++)
                    {
                        {{call.Replace("PARTNER", $"\"{partner.BaseAddress}/hook\"", StringComparison.Ordinal)}}
                        await Task.Delay(3);
                    }
                }

                if (passId == "slow") { await Task.Delay(1500); }
                console.log("done " + passId);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        var slow = tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "slow"), CancellationToken.None);
        var cancelled = new List<Exception?>();
        for (var round = 0; round < 4; round++)
        {
            using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            cancelled.Add(await Record.ExceptionAsync(() => tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "chatty"), caller.Token)));
        }

        var finished = await slow;
        await Task.Delay(TimeSpan.FromSeconds(1)); // the last cancelled call's loop ends meanwhile
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "next"), CancellationToken.None);

        finished.Status.Should().Be(InvocationStatus.Succeeded, finished.Error);
        finished.Log.Select(l => l.Message).Should().Equal("done slow");
        sandboxed.WorkerStatus.LastStop.Should().BeNull("a cancelled call's calls to the host are its own, not forged ones");
        sandboxed.WorkerProcessId.Should().Be(worker);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        cancelled.Should().AllBeAssignableTo<OperationCanceledException>("each caller left");
    }

    [Fact]
    public async Task ARunawayWhoseCallerLeftIsKilledAtTheDeadlinePlusGrace()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, invocationTimeout: Deadline, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { KillGrace = Grace });
        using var tenant = harness.Load(HostileConnectors.Hook("System.Threading.Thread.SpinWait(int.MaxValue); return \"spun\";"));
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var left = await Record.ExceptionAsync(() => tenant.InvokePassUpdatersAsync(TestEvents.Installation(), caller.Token));

        left.Should().BeAssignableTo<OperationCanceledException>();
        (await RunawayTests.ProcessTreeGoneAsync(worker, Deadline + Grace + TimeSpan.FromSeconds(3)))
            .Should().BeTrue("the deadline holds whether or not the caller still waits: the spinning worker is killed");
        await SandboxSteps.WaitUntilAsync(() => sandboxed.WorkerStatus.LastStop is not null, TimeSpan.FromSeconds(10));
        sandboxed.WorkerStatus.LastStop.Should().Contain("limit of 2 s", "the worker was killed for the call past its limit");
    }

    [Fact]
    public async Task ACancelledCallThatEndsInTimeLeavesItsWorkerRunning()
    {
        // The control for the test above: a call that sees its cancellation and ends is not taken for a runaway.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, invocationTimeout: Deadline,
            sandbox: new SandboxOptions { KillGrace = Grace });
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, CancellationToken, Task>)(async (passId, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var left = await Record.ExceptionAsync(() => tenant.InvokePassUpdatersAsync(TestEvents.Installation(), caller.Token));
        await Task.Delay(Deadline + Grace + TimeSpan.FromSeconds(1));

        left.Should().BeAssignableTo<OperationCanceledException>();
        sandboxed.WorkerProcessId.Should().Be(worker);
        Directory.Exists($"/proc/{worker}").Should().BeTrue("the call ended when it was cancelled, so its worker serves on");
        sandboxed.WorkerStatus.LastStop.Should().BeNull();
    }
}
