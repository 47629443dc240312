using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>A worker that dies mid-invocation fails that invocation with the reason; the next call starts a fresh worker and other tenants never notice.</summary>
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task AStackOverflowFailsTheCallNamingItAndTheFixedConnectorServesAfterReload()
    {
        // No checkpoints: nothing stops the recursion before the runtime does (in-process this would end the host).
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, checkpoints: false);
        using var tenant = harness.Load("""
            int Deep(int n) => n == int.MinValue ? 0 : Deep(n + 1) + 1;
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log(Deep(0).ToString()); return Task.CompletedTask; }) });
            """);

        var crashed = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        crashed.Status.Should().Be(InvocationStatus.Failed);
        crashed.Error.Should().Contain("stack overflow");

        harness.Folder.WriteScript("connector.csx", """
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("fixed " + passId); return Task.CompletedTask; }) });
            """);
        (await tenant.ReloadAsync()).Should().BeTrue();
        var fixedCall = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        fixedCall.Status.Should().Be(InvocationStatus.Succeeded, fixedCall.Error);
        fixedCall.Log.Single().Message.Should().Be("fixed P1");
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
