using BenchmarkDotNet.Attributes;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>
/// Where the engine's per-call time goes: an empty hook called directly, then with each step <c>ConnectorInvoker</c> adds,
/// one at a time (the wall-time token sources, the <see cref="InvocationScope"/>, the <c>Task.Run</c> hop), then the real invoker.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class HookOverheadBreakdown
{
    private static readonly Func<PassInstallationEvent, CancellationToken, Task> s_hook = static (_, _) => Task.CompletedTask;

    private readonly PassInstallationEvent _event = BenchmarkEvents.Installed("minimal");
    private readonly ConnectorEngineOptions _options = new();
    private readonly BoundPassUpdater[] _updaters = [new BoundPassUpdater("bench.csx", s_hook, s_hook)];
    private readonly ConnectorInvoker _invoker = new(new ConnectorEngineOptions());

    [Benchmark(Description = "empty hook, direct")]
    public Task Direct() => s_hook(_event, CancellationToken.None);

    [Benchmark(Description = "+ timeout and linked token sources")]
    public async Task TokenSources()
    {
        using var timeout = new CancellationTokenSource(_options.InvocationTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None, timeout.Token);
        await s_hook(_event, linked.Token).ConfigureAwait(false);
    }

    [Benchmark(Description = "+ InvocationScope (AsyncLocal, log copy)")]
    public async Task<int> Scope()
    {
        using var timeout = new CancellationTokenSource(_options.InvocationTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None, timeout.Token);
        var scope = new InvocationScope(linked.Token);
        InvocationScope.Current = scope;
        await s_hook(_event, linked.Token).ConfigureAwait(false);
        return scope.Log.Count;
    }

    [Benchmark(Description = "Task.Run hop only")]
    public async Task TaskRunOnly() => await Task.Run(() => s_hook(_event, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);

    [Benchmark(Description = "+ Task.Run hop and WaitAsync")]
    public async Task<int> TaskRun()
    {
        using var timeout = new CancellationTokenSource(_options.InvocationTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None, timeout.Token);
        var scope = new InvocationScope(linked.Token);
        InvocationScope.Current = scope;
        var token = linked.Token;
        await Task.Run(() => s_hook(_event, token), CancellationToken.None).WaitAsync(timeout.Token).ConfigureAwait(false);
        return scope.Log.Count;
    }

    [Benchmark(Description = "ConnectorInvoker (the engine's)")]
    public Task<InvocationResult> Invoker() => _invoker.InvokePassUpdatersAsync(_updaters, _event, CancellationToken.None);
}
