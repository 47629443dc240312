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
}
