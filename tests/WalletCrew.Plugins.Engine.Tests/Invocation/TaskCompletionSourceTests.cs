using System.Diagnostics;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>
/// <c>TaskCompletionSource</c> is allowed: a hook can bridge a callback to a task, and one that is never completed only runs
/// the hook into its time limit. Before, each script here was refused by the policy (WCP1001).
/// </summary>
public sealed class TaskCompletionSourceTests
{
    public static TheoryData<string> NeverCompleted => new()
    {
        "await new TaskCompletionSource().Task;",
        "await new TaskCompletionSource<int>().Task;",
        "await new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;",
        "var source = new TaskCompletionSource<string>(); await Task.WhenAll(source.Task, Task.CompletedTask);",
        "var source = new TaskCompletionSource<bool>(); await Task.WhenAny(source.Task); await source.Task;",
    };

    [Theory]
    [MemberData(nameof(NeverCompleted))]
    public async Task AwaitingASourceThatNeverCompletesTimesOutCleanly(string body)
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(1));
        using var tenant = harness.Load(Hook(body));
        tenant.Diagnostics.Should().BeEmpty();
        var clock = Stopwatch.StartNew();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 1 s (limit: InvocationTimeout).");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task NegativeControlACompletedSourceLetsTheHookFinish()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(1));
        using var tenant = harness.Load(Hook("""
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var failed = new TaskCompletionSource();
            source.SetResult(42);
            failed.TrySetException(new InvalidOperationException("partner said no"));
            Log.LogInformation("got {Value}, faulted {Faulted}, set again {Again}", await source.Task, failed.Task.IsFaulted, source.TrySetResult(1));
            """));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(e => e.Message).Should().Equal("got 42, faulted True, set again False");
    }

    private static string Hook(string body) => $$"""
        async Task onPassInstalled(string passId)
        {
            {{body}}
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;
}
