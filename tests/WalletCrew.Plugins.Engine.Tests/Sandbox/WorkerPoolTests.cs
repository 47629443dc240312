using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Workers stay warm while used and go when idle (<see cref="SandboxOptions.WorkerIdleTimeout"/>) or when another tenant
/// needs room (<see cref="SandboxOptions.MaxWorkers"/>, least recently used idle worker first); each stop is visible in
/// <see cref="TenantConnectors.Worker"/> with its reason, and the next call starts a fresh worker.
/// </summary>
public sealed class WorkerPoolTests
{
    private const string Hook = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnIdleWorkerStopsAfterItsIdleTimeoutAndTheNextCallStartsAFreshOne()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { WorkerIdleTimeout = TimeSpan.FromSeconds(1) });
        using var tenant = harness.Load(Hook);
        await SandboxSteps.CallAsync(tenant);
        var first = tenant.Worker!;

        await SandboxSteps.WaitUntilAsync(() => tenant.Worker!.State == WorkerState.Stopped, Patience);
        var stopped = tenant.Worker!;
        await SandboxSteps.CallAsync(tenant);

        first.State.Should().Be(WorkerState.Running);
        stopped.LastStop.Should().Contain("without a call").And.Contain("WalletCrew:Engine:WorkerIdleTimeout");
        tenant.Worker!.State.Should().Be(WorkerState.Running);
        tenant.Worker.ProcessId.Should().NotBe(first.ProcessId);
    }

    [Fact]
    public async Task AWorkerThatIsLoadingShowsAsStartingWithItsProcessThenRunning()
    {
        // Registration takes two seconds, so the fresh worker's load can be watched.
        const string SlowToLoad = """
            var until = DateTime.UtcNow.AddSeconds(2);
            while (DateTime.UtcNow < until) { }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => Task.CompletedTask) });
            """;
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { WorkerIdleTimeout = TimeSpan.FromSeconds(1) });
        using var tenant = harness.Load(SlowToLoad);
        await SandboxSteps.WaitUntilAsync(() => tenant.Worker!.State == WorkerState.Stopped, Patience);

        var call = SandboxSteps.CallAsync(tenant);
        await SandboxSteps.WaitUntilAsync(() => tenant.Worker!.State != WorkerState.Stopped, Patience);
        var loading = tenant.Worker!;
        await call;

        loading.State.Should().Be(WorkerState.Starting, "the call started a worker that is still loading");
        loading.ProcessId.Should().NotBeNull();
        tenant.Worker!.State.Should().Be(WorkerState.Running);
        tenant.Worker.ProcessId.Should().Be(loading.ProcessId, "the worker that was starting is the one that runs");
    }

    /// <summary>The negative control: with the default idle timeout the same wait leaves the worker running.</summary>
    [Fact]
    public async Task AWorkerInUseWithinItsIdleTimeoutKeepsRunning()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load(Hook);
        await SandboxSteps.CallAsync(tenant);
        var first = tenant.Worker!;

        await Task.Delay(TimeSpan.FromSeconds(3));

        tenant.Worker!.State.Should().Be(WorkerState.Running);
        tenant.Worker.ProcessId.Should().Be(first.ProcessId);
        tenant.Worker.LastStop.Should().BeNull();
    }

    [Fact]
    public async Task WhenThePoolIsFullTheLeastRecentlyUsedIdleWorkerMakesRoom()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { MaxWorkers = 2 });
        using var first = new TenantFolder("first-tenant");
        using var second = new TenantFolder("second-tenant");
        using var third = new TenantFolder("third-tenant");
        foreach (var folder in new[] { first, second, third })
        {
            folder.WriteScript("hook.csx", Hook);
        }

        using var a = harness.Engine.LoadTenant(first.Directory);
        using var b = harness.Engine.LoadTenant(second.Directory);
        using var c = harness.Engine.LoadTenant(third.Directory);
        await SandboxSteps.CallAsync(a);
        await SandboxSteps.CallAsync(b);
        await SandboxSteps.CallAsync(a); // b is now the least recently used
        await SandboxSteps.CallAsync(c);

        b.Worker!.State.Should().Be(WorkerState.Stopped);
        b.Worker.LastStop.Should().Contain("make room").And.Contain("WalletCrew:Engine:MaxWorkers");
        a.Worker!.State.Should().Be(WorkerState.Running, "the most recently used worker stays");
        c.Worker!.State.Should().Be(WorkerState.Running);
        harness.Engine.RunningWorkers.Should().Be(2);
    }
}
