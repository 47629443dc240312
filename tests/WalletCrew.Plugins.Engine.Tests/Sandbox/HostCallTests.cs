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
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, checkpoints: false,
            widenPolicy: allow => allow.Types("System", "Console", "Convert").Types("System.IO", "Stream"));
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
    private static async Task<string> ForgedCallsAsync()
    {
        var frames = new MemoryStream();
        var writer = new FrameChannel(Stream.Null, frames, WorkerLoop.MaxFrameBytes);
        for (var request = 1; request <= 64; request++)
        {
            await writer.WriteAsync(new SecretCall(1_000_000 + request, 1_000_000 + request, "missing"));
        }

        return Convert.ToBase64String(frames.ToArray());
    }
}
