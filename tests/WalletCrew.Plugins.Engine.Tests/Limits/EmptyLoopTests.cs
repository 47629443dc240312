using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Mono.Cecil;
using Mono.Cecil.Cil;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Policy;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>
/// Loops with nothing in their body compile to a branch to its own offset (or to a branch others jump to): every backward
/// branch still passes a checkpoint, so they end at the deadline like any loop, in a lambda, a local function, an async
/// method or a class alike.
/// </summary>
public sealed class EmptyLoopTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(500);

    private static readonly string[] Loops = ["while (true) { }", "while (true) ;", "for (;;) { }", "do { } while (true);", "spin: goto spin;"];

    public static TheoryData<string, string> Hooks()
    {
        var data = new TheoryData<string, string>();
        foreach (var loop in Loops)
        {
            foreach (var shape in new[] { "lambda", "local function", "async method", "typed class" })
            {
                data.Add(shape, loop);
            }
        }

        return data;
    }

    public static TheoryData<string> Each() => [.. Loops];

    [Theory]
    [MemberData(nameof(Hooks))]
    public async Task EmptyLoopInAHookEndsAtTheDeadlineAndTheNextInvocationWorks(string shape, string loop)
    {
        using var harness = new EngineHarness(invocationTimeout: Limit);
        using var tenant = harness.Load(Hook(shape, loop) + """

            context.register("runtime.scriptable.customerProvider.ok", new { Fill = (string passId) => new { ok = true } });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var started = Stopwatch.StartNew();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        started.Elapsed.Should().BeLessThan(Deadlines.Stopped(Limit), "the limit stops it");

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 0.5 s (limit: InvocationTimeout).");
        (await tenant.FillAsync("ok", TestEvents.Fill(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
    }

    // On a thread of its own under a budget, as the invoker runs a hook: the thread ends only if a checkpoint in the loop throws.
    [Theory]
    [MemberData(nameof(Each))]
    public void EveryShapeOfAnEmptyLoopIsStoppedByACheckpointOnItsOwnThread(string loop)
    {
        var script = new ScriptCompiler().Compile(new ScriptSource("acme", "server/script/connector.csx", Runaway(loop)));
        script.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        foreach (var method in new[] { "Lambda", "LocalFunction", "Async", "Typed" })
        {
            RunUnderBudget(script.Image!, method).Should().BeOfType<ExecutionLimitExceededException>($"{method}: {loop}")
                .Which.Message.Should().Contain("a checkpoint stopped it");
        }
    }

    [Theory]
    [MemberData(nameof(Each))]
    public void EveryBackwardBranchOfTheWovenCodeComesRightAfterACheckpoint(string loop)
    {
        var source = new ScriptSource("acme", "server/script/connector.csx", Runaway(loop));

        var woven = new ScriptCompiler().Compile(source);
        var unwoven = new ScriptCompiler([], ApiPolicy.Default, checkpoints: false).Compile(source);

        UncheckedBackwardBranches(woven.Image!).Should().BeEmpty();
        UncheckedBackwardBranches(unwoven.Image!).Should().NotBeEmpty("negative control: the compiler's own IL has bare back edges");
    }

    private static string Hook(string shape, string loop) => shape switch
    {
        "lambda" => $$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId => { await Task.Yield(); {{loop}} }) });
            """,
        "local function" => $$"""
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                Spin();
                static void Spin() { {{loop}} }
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
        "async method" => $$"""
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                {{loop}}
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
        "typed class" => $$"""
            context.register("runtime.wallet.passUpdater", new Hook());
            public sealed class Hook : IPassUpdater
            {
                public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    Spin();
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                private static void Spin() { {{loop}} }
            }
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    private static string Runaway(string loop) => $$"""
        public static class Runaway
        {
            public static void Lambda()
            {
                Action spin = () => { {{loop}} };
                spin();
            }

            public static void LocalFunction()
            {
                Spin();
                static void Spin() { {{loop}} }
            }

            public static Task Async() => SpinAsync();

            private static async Task SpinAsync() { {{loop}} }

            public static void Typed() => new Spinner().Spin();
        }

        public sealed class Spinner
        {
            public void Spin() { {{loop}} }
        }
        """;

    private static Exception? RunUnderBudget(byte[] image, string method)
    {
        var context = new AssemblyLoadContext("empty-loop", isCollectible: true);
        try
        {
            var entry = context.LoadFromStream(new MemoryStream(image)).GetType("Runaway")!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
            Exception? caught = null;
            var thread = new Thread(() =>
            {
                ConnectorCheckpoint.Budget = new ExecutionBudget(TimeSpan.FromMilliseconds(200));
                try
                {
                    (entry.Invoke(null, null) as Task)?.GetAwaiter().GetResult();
                }
                catch (Exception exception)
                {
                    caught = ExceptionDescriber.Unwrap(exception);
                }
            });
            thread.Start();
            thread.Join(TimeSpan.FromSeconds(10)).Should().BeTrue($"a checkpoint ends the empty loop in {method}");
            return caught;
        }
        finally
        {
            context.Unload();
        }
    }

    // A backward branch passes a checkpoint when the instruction before it is the checkpoint and nothing reaches it except from there.
    private static List<string> UncheckedBackwardBranches(byte[] image)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        var found = new List<string>();
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            var body = method.Body;
            foreach (var branch in body.Instructions.Where(i => Targets(i).Any(t => t.Offset <= i.Offset)))
            {
                var afterCheckpoint = branch.Previous is { OpCode.Code: Code.Call, Operand: MethodReference { Name: "Tick", DeclaringType.Name: "ConnectorCheckpoint" } };
                var reachedOtherwise = body.Instructions.Any(i => Targets(i).Contains(branch))
                    || body.ExceptionHandlers.Any(h => h.TryStart == branch || h.HandlerStart == branch || h.FilterStart == branch || h.TryEnd == branch || h.HandlerEnd == branch);
                if (!afterCheckpoint || reachedOtherwise)
                {
                    found.Add($"{method.FullName} IL_{branch.Offset:x4}");
                }
            }
        }

        return found;
    }

    private static Instruction[] Targets(Instruction instruction) => instruction.Operand switch
    {
        Instruction target => [target],
        Instruction[] targets => targets,
        _ => [],
    };
}
