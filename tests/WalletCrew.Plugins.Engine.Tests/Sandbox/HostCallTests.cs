using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The host answers a worker's calls (fetch, secrets) on that worker's channel thread: code past the policy that calls
/// without end, or names a call of the host's that is not running, must not keep that thread busy while its own call runs.
/// Each variant is killed, named, its call fails, and the next call gets a fresh worker. The control: calls up to the bound,
/// made by the running call, are all answered.
/// </summary>
public sealed class HostCallTests
{
    private static readonly int Bound = EngineDefaults.Maxima.OutboundCallsPerInvocation + EngineDefaults.HostCallsBeyondFetch;

    public static TheoryData<string, string> Variants => new()
    {
        // A loop on a missing secret, as code past the checkpoints would run it.
        { "a call that asks for secrets without end", SandboxMessages.TooManyHostCalls(Bound) },
        // Frames written by the tenant's code, naming requests the host never sent, while its own call runs.
        { "calls for requests that are not running", SandboxMessages.CalledWhileIdle },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task AWorkerThatCallsTheHostPastItsBoundIsKilledAndTheNextCallGetsAFreshOne(string kind, string reason)
    {
        using var harness = ChannelForgery.Harness(checkpoints: false);
        using var tenant = harness.Load($$"""
            async Task ask(int times) { for (var i = 0; i < times; i++) { try { await getSecret("missing"); } catch (KeyNotFoundException) { } } }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "bound") { await ask({{Bound}}); }
                if (passId == "endless") { await ask(int.MaxValue); }
                if (passId == "forged") { var o = Console.OpenStandardOutput(); var frames = Convert.FromBase64String("{{await ForgedCallsAsync()}}"); o.Write(frames, 0, frames.Length); o.Flush(); await ask(1); }
                console.log("done " + passId);
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var first = sandboxed.WorkerProcessId!.Value;

        var bound = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "bound"), CancellationToken.None);
        bound.Status.Should().Be(InvocationStatus.Succeeded, bound.Error);
        sandboxed.WorkerProcessId.Should().Be(first, "the control: as many calls as the bound, made by the running call, are answered");

        var hostile = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: kind.StartsWith("calls for", StringComparison.Ordinal) ? "forged" : "endless"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        hostile.Status.Should().Be(InvocationStatus.Failed, kind);
        hostile.Error.Should().Contain(reason, kind);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        sandboxed.WorkerProcessId.Should().NotBe(first);
    }

    private static readonly HostCallBounds Bounds = HostCallBounds.For(new LimitMaxima());

    public static TheoryData<string, string> Oversized => new()
    {
        { "secret", SandboxMessages.OversizedCall("secret name", EngineDefaults.SecretNameChars + 1, EngineDefaults.SecretNameChars) },
        { "fetch", SandboxMessages.OversizedCall("fetch", Bounds.FetchChars + 1, Bounds.FetchChars) },
        { "fetches", SandboxMessages.TooManyFetches(Bounds.Fetches) },

        // Frames larger than their calls' fields can make: the host parses each whole, and a request may make 10,000 calls.
        { "secret padded with spaces", SandboxMessages.OversizedCallFrame("secret call", HostCallBounds.SecretFrameBytes + 1, HostCallBounds.SecretFrameBytes) },
        { "secret padded with a field of no call's", SandboxMessages.OversizedCallFrame("secret call", HostCallBounds.SecretFrameBytes + 1, HostCallBounds.SecretFrameBytes) },
    };

    /// <summary>
    /// Calls the host must read whole before it can judge them: a secret's name or a fetch larger than any call within the
    /// policy sends, a frame larger than its call's fields make, or more fetches than any tenant may make. Each is refused at its first frame past the bound (the host
    /// reads them on the worker's channel thread, up to 16 MiB a frame, for as long as a call lasts otherwise). The control:
    /// the same calls at the bound, for the same running call, are answered.
    /// </summary>
    [Theory]
    [MemberData(nameof(Oversized))]
    public async Task ACallLargerThanAnyWithinThePolicyKillsTheWorker(string kind, string reason)
    {
        using var harness = ChannelForgery.Harness(checkpoints: false);
        using var tenant = harness.Load(ChannelForgery.PassIdHook);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var first = sandboxed.WorkerProcessId!.Value;

        // A worker's requests are numbered from its load: these are its second and third.
        var atTheBound = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: await CallsAsync(kind, invocationId: ChannelForgery.FirstCallId, over: false)), CancellationToken.None);
        atTheBound.Status.Should().Be(InvocationStatus.Succeeded, atTheBound.Error);
        sandboxed.WorkerProcessId.Should().Be(first, "the control: calls at the bound are answered");

        var past = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: await CallsAsync(kind, invocationId: ChannelForgery.FirstCallId + 1, over: true)), CancellationToken.None);

        past.Status.Should().Be(InvocationStatus.Failed, kind);
        past.Error.Should().Contain(reason);
        sandboxed.WorkerProcessId.Should().NotBe(first);
    }

    /// <summary>The frames of calls of <paramref name="kind"/> for <paramref name="invocationId"/>, at the bound or one past it, in base64.</summary>
    private static async Task<string> CallsAsync(string kind, long invocationId, bool over)
    {
        var extra = over ? 1 : 0;
        const string Refused = "http://0.0.0.0:1/"; // refused by the egress rules at once: nothing is sent
        if (kind.StartsWith("secret padded", StringComparison.Ordinal))
        {
            var call = $$"""{"t":"secret","Id":1000001,"InvocationId":{{invocationId}},"Name":"s"}""";
            var pad = HostCallBounds.SecretFrameBytes + extra - call.Length;
            return ChannelForgery.RawFrames(kind.EndsWith("spaces", StringComparison.Ordinal)
                ? call[..^1] + new string(' ', pad) + "}"
                : call[..^1] + ",\"pad\":\"" + new string('p', pad - ",\"pad\":\"\"".Length) + "\"}");
        }

        IEnumerable<WorkerMessage> calls = kind switch
        {
            "secret" => [new SecretCall(1_000_001, invocationId, new string('s', EngineDefaults.SecretNameChars + extra))],
            "fetch" => [new FetchCall(1_000_001, invocationId, "POST", Refused, [], new byte[Bounds.FetchChars + extra - "POST".Length - Refused.Length])],
            _ => Enumerable.Range(0, Bounds.Fetches + extra).Select(i => new FetchCall(1_000_001 + i, invocationId, "GET", Refused, [], null)),
        };
        return await ChannelForgery.FramesAsync(calls);
    }

    [Fact]
    public async Task ASecretReadByTopLevelCodeAtLoadIsAnswered()
    {
        // A load's code calls the host for the load's request (no invocation runs yet), and its load waits on it.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        harness.Secrets.Set("test-tenant", "API-KEY", "12345");
        using var tenant = harness.Load("""
            var key = await getSecret("API-KEY");
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("key of " + key.Length); return Task.CompletedTask; }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("key of 5");
    }

    /// <summary>Secret calls naming request ids the host never sent, as the channel's frames, in base64.</summary>
    private static Task<string> ForgedCallsAsync() =>
        ChannelForgery.FramesAsync(Enumerable.Range(1, 64).Select(request => new SecretCall(1_000_000 + request, 1_000_000 + request, "missing")));
}
