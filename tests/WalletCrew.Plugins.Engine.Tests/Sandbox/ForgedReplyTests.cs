using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Code past the policy writes its own answer on its worker's channel, before the worker's: the host takes nothing in it as
/// it is. Each variant forges the answer to the running call's request; the call's result is what the host made safe of the
/// forged one. The worker's own answer, coming after, answers no request any more and ends the worker, as an answer to a
/// request never sent does: the next call gets a fresh one.
/// </summary>
public sealed class ForgedReplyTests
{
    public static TheoryData<string> Variants => [.. Forgeries.Keys];

    private static readonly Dictionary<string, (Func<long, InvocationReply> Forge, Action<InvocationResult> Expect)> Forgeries = new()
    {
        ["a status the engine does not know"] = (
            id => new InvocationReply(id, (InvocationStatus)99, null, [], null, null),
            result =>
            {
                result.Status.Should().Be(InvocationStatus.Failed);
                result.Error.Should().Contain("a status the engine does not know");
            }),
        ["data nested past the depth the host reads"] = (
            id => new InvocationReply(id, InvocationStatus.Succeeded, null, [], "{\"a\":" + new string('[', 1000) + new string(']', 1000) + "}", null),
            result =>
            {
                result.Status.Should().Be(InvocationStatus.Failed);
                result.Error.Should().Contain("data that is not a JSON object the host can read");
            }),
        ["log lines with escape sequences, an unknown level, past the entry limit"] = (
            id => new InvocationReply(id, InvocationStatus.Succeeded, "\u001b[2Jerror", [.. Enumerable.Range(0, 1_500).Select(i => new TenantLogEntry((LogLevel)42, $"\u001b[31mline {i}\r\nforged host line"))], null, null),
            result =>
            {
                result.Status.Should().Be(InvocationStatus.Succeeded);
                result.Log.Count.Should().BeLessThan(1_500);
                result.Log[^1].Message.Should().Be(LimitMessages.LogBytesTruncated(EngineDefaults.LogBytesPerInvocation), "the tenant's log limits hold again on the host");
                result.Log.Should().OnlyContain(e => e.Level >= LogLevel.Trace && e.Level <= LogLevel.Critical);
                result.Log.Should().NotContain(e => e.Message.Contains('\u001b') || e.Message.Contains('\n') || e.Message.Contains('\r'));
                result.Error.Should().Be("\\u001b[2Jerror");
            }),
        ["a cancellation the host did not send"] = (
            id => new InvocationReply(id, InvocationStatus.Failed, null, [], null, null, Cancelled: true),
            result =>
            {
                result.Status.Should().Be(InvocationStatus.Failed);
                result.Error.Should().Contain("a cancellation the host did not send");
            }),
        ["a partner's wait past any the engine takes"] = (
            id => new InvocationReply(id, InvocationStatus.Failed, "partner busy", [], null, long.MaxValue),
            result =>
            {
                result.Status.Should().Be(InvocationStatus.Failed);
                result.RetryAfter.Should().Be(PartnerRetryAfter.Longest);
            }),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task AForgedAnswerIsMadeSafeAndTheNextCallIsServed(string kind)
    {
        var (forge, expect) = Forgeries[kind];
        var frames = await ChannelForgery.FramesAsync(forge(ChannelForgery.FirstCallId));
        using var harness = ChannelForgery.Harness();
        using var tenant = harness.Load(ChannelForgery.Hook(frames));

        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var forged = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "forge"), CancellationToken.None);

        // The hook's own answer comes after the forged one: it answers no request any more, and the worker goes.
        await SandboxSteps.WaitUntilAsync(() => sandboxed.WorkerStatus.LastStop is not null, TimeSpan.FromSeconds(30));
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        using (new FluentAssertions.Execution.AssertionScope(kind))
        {
            expect(forged);
        }

        sandboxed.WorkerStatus.LastStop.Should().Be(SandboxMessages.AnswerToNoRequest);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        next.Log.Single().Message.Should().Be("done P2");
    }

    [Fact]
    public async Task AForgedAccountOfTheLoadIsCleanedBeforeTheHostKeepsOrShowsIt()
    {
        var forgedDiagnostic = new ConnectorDiagnostic("connector.csx\u001b[2J", 1, 1, (ConnectorDiagnosticSeverity)7, "WCP\r\n", "\u001b[31mforged\r\nhost line");
        var state = new TenantState(1, [forgedDiagnostic], [], [.. Enumerable.Range(0, 1_500).Select(i => new TenantLogEntry((LogLevel)42, $"\u001b[31mload {i}\r\nforged"))], 1, ["crm\u001b"]);
        var frames = await ChannelForgery.FramesAsync(new TenantStateReply(ChannelForgery.LoadId, true, state));
        using var harness = ChannelForgery.Harness();
        using var tenant = harness.Load($$"""
            var o = Console.OpenStandardOutput();
            o.Write(Convert.FromBase64String("{{frames}}"));
            o.Flush();
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("done " + passId); return Task.CompletedTask; }) });
            """);

        var texts = tenant.Diagnostics.SelectMany(d => new[] { d.Path, d.Code, d.Message }).Concat(tenant.LoadLog.Select(e => e.Message)).ToList();
        texts.Should().Contain(t => t.Contains("forged"), "the forged account is what the host heard");
        texts.Should().NotContain(t => t.Contains('\u001b') || t.Contains('\n') || t.Contains('\r'));
        tenant.Diagnostics.Should().OnlyContain(d => Enum.IsDefined(d.Severity));
        tenant.LoadLog[^1].Message.Should().Be(LimitMessages.LogBytesTruncated(EngineDefaults.LogBytesPerInvocation));
        tenant.LoadLog.Should().OnlyContain(e => e.Level >= LogLevel.Trace && e.Level <= LogLevel.Critical);
    }

    public static TheoryData<string, string?> Incomplete => new()
    {
        { "a fetch without its method", """{"t":"fetch","Id":1000001,"InvocationId":2,"Url":"http://0.0.0.0:1/","Headers":[],"Body":null}""" },
        { "a fetch whose method is null", """{"t":"fetch","Id":1000001,"InvocationId":2,"Method":null,"Url":"http://0.0.0.0:1/","Headers":[],"Body":null}""" },
        { "a fetch with a null header", """{"t":"fetch","Id":1000001,"InvocationId":2,"Method":"GET","Url":"http://0.0.0.0:1/","Headers":[null],"Body":null}""" },
        { "a secret call without its name", """{"t":"secret","Id":1000001,"InvocationId":2}""" },
        { "the call's answer without its log", """{"t":"result","Id":2,"Status":"Succeeded","Error":null,"Data":null,"RetryAfterMs":null}""" },
        { "a fetch with everything (control)", null },
    };

    /// <summary>
    /// A message missing a field its type requires, or holding null where its type has none, ends the worker at once, named,
    /// and the next call gets a fresh worker. Such a fetch reached the host's code as a null: the host's reading stopped
    /// with the worker left running, so what it held (its groups, its uid, its slot) was never given back. Control: the same
    /// fetch whole is answered (refused by the egress rules) and the worker runs on.
    /// </summary>
    [Theory]
    [MemberData(nameof(Incomplete))]
    public async Task AMessageMissingWhatItsTypeRequiresEndsTheWorker(string kind, string? json)
    {
        var (forged, next, sameWorker) = await ForgeThenCallAsync(
            ChannelForgery.RawFrames(json ?? """{"t":"fetch","Id":1000001,"InvocationId":2,"Method":"GET","Url":"http://0.0.0.0:1/","Headers":[],"Body":null}"""));

        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        if (json is null)
        {
            forged.Status.Should().Be(InvocationStatus.Succeeded, forged.Error);
            sameWorker.Should().BeTrue();
            return;
        }

        forged.Status.Should().Be(InvocationStatus.Failed, kind);
        forged.Error.Should().Contain(SandboxMessages.MalformedFrame, kind);
        sameWorker.Should().BeFalse();
    }

    public static TheoryData<string, string> Unanswerable => new()
    {
        // A load's account answering the running call: the host must not take it for the call's result (nor throw).
        { "a load's account for the running call", SandboxMessages.AnswerOfAnotherKind },

        // Large answers to requests never sent: read whole, so a worker sending them without end (from a thread of its own,
        // after its call returned) would keep the host's channel thread busy for as long as it lived.
        { "answers to requests never sent", SandboxMessages.AnswerToNoRequest },
    };

    /// <summary>An answer no waiting request can take ends the worker at once; the call running then fails, named, and the
    /// next call gets a fresh worker.</summary>
    [Theory]
    [MemberData(nameof(Unanswerable))]
    public async Task AnAnswerNoRequestCanTakeEndsTheWorker(string kind, string reason)
    {
        var frames = kind == "answers to requests never sent"
            ? await ChannelForgery.FramesAsync([.. Enumerable.Range(0, 4).Select(i => new InvocationReply(1_000_000 + i, InvocationStatus.Succeeded, new string('x', 256 * 1024), [], null, null))])
            : await ChannelForgery.FramesAsync(new TenantStateReply(ChannelForgery.FirstCallId, true, new TenantState(1, [], [], [], 1, [])));

        var (forged, next, sameWorker) = await ForgeThenCallAsync(frames);

        forged.Status.Should().Be(InvocationStatus.Failed, kind);
        forged.Error.Should().Contain(reason);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        sameWorker.Should().BeFalse();
    }

    /// <summary>Runs the call that writes <paramref name="frames"/> (base64) on its worker's channel, then another call;
    /// returns both results and whether the second ran in the first one's worker.</summary>
    private static async Task<(InvocationResult Forged, InvocationResult Next, bool SameWorker)> ForgeThenCallAsync(string frames)
    {
        using var harness = ChannelForgery.Harness();
        using var tenant = harness.Load(ChannelForgery.Hook(frames));
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var first = sandboxed.WorkerProcessId!.Value;

        var forged = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "forge"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);
        return (forged, next, sandboxed.WorkerProcessId == first);
    }

    [Fact]
    public async Task AnInvocationsResultAnsweringTheLoadFailsTheLoadNamingIt()
    {
        var frames = await ChannelForgery.FramesAsync(new InvocationReply(ChannelForgery.LoadId, InvocationStatus.Succeeded, null, [], null, null));
        using var harness = ChannelForgery.Harness();

        // Top-level code answers the load with an invocation's result: the load fails, named; the host goes on.
        using var tenant = harness.Load($$"""
            var o = Console.OpenStandardOutput();
            o.Write(Convert.FromBase64String("{{frames}}"));
            o.Flush();
            await Task.Delay(1_000);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("done " + passId); return Task.CompletedTask; }) });
            """);

        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().ContainSingle().Which.Should().Contain(SandboxMessages.AnswerOfAnotherKind);
    }
}
