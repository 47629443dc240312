using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>Unbounded recursion ends with a named error at a checkpoint, before a stack overflow could end the process.</summary>
public sealed class RecursionTests
{
    public static TheoryData<string, string, int> Recursions => new()
    {
        { "int F(int n) => F(n + 1) + 1;", "", 1 },
        { "int F(int n) { var next = F(n + 1); return next + 1; }", "", 1 },
        { "Func<int, int> f = null!; f = n => f(n + 1) + 1; int F(int n) => f(n);", "", 1 },
        { "int F(int n) => new Node().Depth;", "class Node { public Node Next = new Node(); public int Depth => 1; }", 9 },
        { "int F(int n) => new Node(n).Depth;", "class Node(int n) { public int Depth => 1 + new Node(n + 1).Depth; }", 9 },
        // A catch that calls a SetException of its own was taken for an async method's, losing the method's stack check.
        { "int F(int n) { F(n + 1); try { n++; } catch (Exception e) { new TaskCompletionSource().SetException(e); } return n; }", "", 1 },
        { "int F(int n) { F(n + 1); try { n++; } catch (Exception e) { new Sink().SetException(e); } return n; }", "class Sink { public void SetException(Exception e) { } }", 1 },
    };

    [Theory]
    [MemberData(nameof(Recursions))]
    public async Task UnboundedRecursionEndsWithANamedErrorAndTheProcessLives(string recursion, string types, int line)
    {
        // The stack checkpoint is what must end it; the deadline is only there so a broken checkpoint cannot hang the run,
        // and it is long because a loaded machine takes seconds to recurse to the stack limit.
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(60));
        using var tenant = harness.Load($$"""
            {{recursion}}
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                try { F(0); } catch (Exception) { console.log("caught"); }
                console.log("went on");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            {{types}}
            """);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Match(
            "ExecutionLimitExceededException: The connector nested calls * frames deep and nearly ran out of stack (unbounded recursion?); "
            + "a checkpoint stopped it before a stack overflow could end the host process, and catching this error does not let it continue "
            + $"(limit: ExecutionStack). Make the recursion end, or turn it into a loop. (at server/script/connector.csx:line {line})");
        result.Log.Should().BeEmpty("the catch block's checkpoint throws again: the budget stays spent");
    }

    [Fact]
    public async Task TailRecursionBecomesALoopAndEndsAtTheWallTimeLimit()
    {
        // The JIT turns a call in tail position into a jump: no stack is used, so the deadline is what ends it.
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(500));
        using var tenant = harness.Load("""
            int F() => F();
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                F();
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 0.5 s (limit: InvocationTimeout).");
    }
}
