using WalletCrew.Plugins.Engine.Policy;
using WalletCrew.Plugins.Engine.Tests.Policy;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>
/// Tenant code does not run outside its invocation: callbacks on tokens and timers are refused (they run on whichever
/// thread fires them, and a throwing one ends the process), and work a hook leaves running stops when the hook returns.
/// </summary>
public sealed class CodeOutsideInvocationTests
{
    private const string Callbacks = "is not allowed in connectors: a callback on a token or timer runs on whichever thread fires it";

    // A callback on a source's own timer: at 50 ms the timer thread runs it, and its exception is unhandled there.
    private const string ThrowingCallback = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
        {
            var cts = new CancellationTokenSource(50);
            cts.Token.Register(() => throw new InvalidOperationException("boom on the timer thread"));
            await Task.Delay(2_000);
            console.log("survived " + passId);
        }) });
        """;

    public static TheoryData<string, string, string> Spellings => new()
    {
        // Each passed the policy before CancellationToken.Register and TimeProvider.CreateTimer were refused, except the two marked.
        { "Register(Action)", """var cts = new CancellationTokenSource(10); cts.Token.Register(() => throw new InvalidOperationException("boom"));""", "System.Threading.CancellationToken.Register(System.Action)" },
        { "Register with state", """var cts = new CancellationTokenSource(10); cts.Token.Register(static s => { while (true) { } }, null);""", "System.Threading.CancellationToken.Register(System.Action<object>, object)" },
        { "Register with a method group", """var cts = new CancellationTokenSource(10); cts.Token.Register(Boom); static void Boom() => throw new InvalidOperationException();""", "System.Threading.CancellationToken.Register(System.Action)" },
        { "Register taking the token", """using var r = CancellationToken.None.Register((s, t) => { }, null);""", "System.Threading.CancellationToken.Register(System.Action<object, System.Threading.CancellationToken>, object)" },
        { "UnsafeRegister", """var cts = new CancellationTokenSource(10); cts.Token.UnsafeRegister(_ => throw new InvalidOperationException(), null);""", "System.Threading.CancellationToken.UnsafeRegister" },
        { "a hook's own token", """Func<string, CancellationToken, Task> hook = (id, token) => { token.Register(() => { while (true) { } }); return Task.CompletedTask; };""", "System.Threading.CancellationToken.Register(System.Action)" },
        { "TimeProvider.CreateTimer", """_ = TimeProvider.System.CreateTimer(null!, null, TimeSpan.Zero, TimeSpan.FromSeconds(1));""", "System.TimeProvider.CreateTimer" },
        // Refused before too (regression guards): a continuation that runs after the hook returned, and a source's timer armed late.
        { "fire-and-forget ContinueWith", """_ = Task.Delay(10).ContinueWith(_ => throw new InvalidOperationException());""", "System.Threading.Tasks.Task.ContinueWith" },
        { "CancelAfter", """var cts = new CancellationTokenSource(); cts.CancelAfter(10);""", "System.Threading.CancellationTokenSource.CancelAfter(int)" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void CallbacksThatRunOutsideTheInvocationAreRefused(string name, string source, string symbol)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty(because: $"'{name}' must be valid C#");

        var messages = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Select(d => d.GetMessage(null));

        messages.Should().Contain(m => m.StartsWith($"'{symbol}", StringComparison.Ordinal), because: $"'{name}' must be refused");
    }

    [Fact]
    public void RegisterAndCreateTimerAreRefusedAsCallbacks()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""var cts = new CancellationTokenSource(10); cts.Token.Register(() => { });""");

        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().ContainSingle().Which.GetMessage(null).Should().Be(
            "'System.Threading.CancellationToken.Register(System.Action)' is not allowed in connectors: a callback on a token or timer runs on "
            + "whichever thread fires it, after or outside the invocation, and an exception it throws ends the process. "
            + "Await instead: await task.WaitAsync(token), await Task.Delay(delay, token).");
    }

    [Fact]
    public void WaitingOnTokensAndTimeoutsStaysAllowed()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cts.Token, CancellationToken.None);
            var tcs = new TaskCompletionSource<int>();
            tcs.SetResult(1);
            var n = await tcs.Task.WaitAsync(linked.Token);
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, linked.Token);
            var now = TimeProvider.System.GetUtcNow();
            linked.Token.ThrowIfCancellationRequested();
            """);

        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
    }

    [Fact]
    public void AThrowingTokenCallbackIsRefusedBeforeItCanRun()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load(ThrowingCallback);

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP1001" && d.Message.Contains(Callbacks, StringComparison.Ordinal));
        tenant.PassUpdaterCount.Should().Be(0);
    }

    [Fact]
    public async Task WithThePolicyWidenedTheSameCallbackEndsTheProcessItRunsIn()
    {
        // Negative control, in a sandboxed worker so that only the child dies: the exception on the timer thread is unhandled
        // and ends the process, which is why Register is refused rather than run under a budget.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: b => b.Types("System.Threading", "CancellationToken"));
        using var tenant = harness.Load(ThrowingCallback);
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain("worker stopped during the invocation");
        result.Log.Should().BeEmpty();
    }

    [Fact]
    public async Task WorkAHookLeftRunningStopsWhenTheInvocationEnds()
    {
        // Before the budget ended with its invocation, the orphan loop spun on until the 10 s deadline.
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "start")
                {
                    _ = Spin();
                    return;
                }

                var before = Volatile.Read(ref Counter.Value);
                await Task.Delay(300);
                console.log((Volatile.Read(ref Counter.Value) - before).ToString());
            }) });

            static async Task Spin()
            {
                await Task.Delay(100);
                while (true) { Interlocked.Increment(ref Counter.Value); }
            }

            static class Counter { public static long Value; }
            """);

        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "start"), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        await Task.Delay(300);
        var probe = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "probe"), CancellationToken.None);

        probe.Status.Should().Be(InvocationStatus.Succeeded, probe.Error);
        probe.Log.Single().Message.Should().Be("0", "the orphan loop must have stopped at its first checkpoint after the hook returned");
    }
}
