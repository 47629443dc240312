using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

public sealed class SandboxSmokeTests
{
    [Fact]
    public async Task AHookRunsInTheTenantsWorkerAndLogs()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId => { console.log($"installed {passId}"); await Task.Yield(); }) });
            """);

        harness.Engine.Isolation.Should().Be(IsolationMode.Sandbox);
        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Error.Should().BeNull();
        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Should().ContainSingle().Which.Message.Should().Be("installed P1");
    }

    /// <summary>Tenant code runs below the host's own threads: bubblewrap and everything under it at the launcher's niceness,
    /// the host itself where it was (the control, so the difference is the launcher's).</summary>
    [Fact]
    public void AWorkerAndAllItStartsRunBelowTheHostsPriority()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => Task.CompletedTask) });
            """);
        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;

        var tree = ProcessTree.SelfAndDescendants(worker).ToList();

        tree.Should().HaveCountGreaterThan(1, "bubblewrap and the worker under it");
        tree.Select(Niceness).Should().AllBeEquivalentTo(Niceness(Environment.ProcessId) + BelowHost.Niceness);
    }

    // /proc/<pid>/stat: the 19th field is the niceness; after the name's closing parenthesis it is the 17th.
    private static int Niceness(int processId) => int.Parse(
        File.ReadAllText($"/proc/{processId}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16], CultureInfo.InvariantCulture);
}
