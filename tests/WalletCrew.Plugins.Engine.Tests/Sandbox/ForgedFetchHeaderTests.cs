using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A fetch crosses the channel as a frame the worker writes, so code past the policy can write one with headers its own
/// fetch would refuse. The host judges them by the rules in-process code obeys (one rule set, <c>HeaderRules</c>; the relay
/// had a list of its own that disagreed with it): such a fetch is answered as invalid, nothing is sent, and the worker (and
/// every other call of the tenant) keeps running. The control: the same forged frame with a header in-process code may send
/// is sent as it was given, so the frames do reach the host's relay. A second forged fetch, always sent, tells the hook when
/// the host has relayed its frames: a fixed wait lost the race on a busy machine (the relay ended with the invocation).
/// </summary>
public sealed class ForgedFetchHeaderTests
{
    public static TheoryData<string, string> Refused => new()
    {
        { "Upgrade", "websocket" }, // the connection's own (hop-by-hop), as Host and Transfer-Encoding are
        { "Keep-Alive", "timeout=5" },
        { "Bad Name", "x" }, // not a token
        { "X-Split", "a\r\nHost: metadata" }, // a value that would add a header of its own on the wire
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AForgedFetchWithAHeaderNoConnectorMaySendIsRefusedAndTheWorkerRuns(string name, string value)
    {
        var (sent, sameWorker) = await ForgeAsync(new HeaderData(name, value));

        sent.Select(r => r.Path).Should().Equal(["/marker"], $"a header `{name}` is not sent");
        sameWorker.Should().BeTrue("a refused fetch is an answer, not a fault of the host's");
    }

    [Theory]
    [InlineData("X-Trace")]
    [InlineData("Server")] // a response's header, which in-process fetch sends too
    [InlineData("Age")]
    public async Task NegativeControl_AForgedFetchWithAHeaderAnyConnectorMaySendIsSent(string name)
    {
        var (sent, sameWorker) = await ForgeAsync(new HeaderData(name, "forged"));

        sent.Where(r => r.Path == "/forged").Should().ContainSingle().Which.Headers[name].Should().Be("forged");
        sameWorker.Should().BeTrue();
    }

    /// <summary>
    /// Runs a call that writes two fetch frames of its own, one to <c>/forged</c> with <paramref name="header"/> and one to
    /// <c>/marker</c> without, then keeps its invocation open (a relayed fetch ends with the invocation) until the partner
    /// has seen the marker, asking it with fetches of its own to <c>/seen</c>; returns what the partner received besides those.
    /// </summary>
    private static async Task<(IReadOnlyList<RecordedRequest> Sent, bool SameWorker)> ForgeAsync(HeaderData header)
    {
        await using var partner = await PartnerStub.StartAsync();
        var ok = PartnerStub.Respond(200, "{}");
        partner.Handler = context => context.Request.Path == "/seen" && !partner.Requests.Any(r => r.Path == "/marker")
            ? PartnerStub.Respond(404, "{}")(context)
            : ok(context);
        using var harness = ChannelForgery.Harness(checkpoints: false, allowLoopback: true);
        var frames = await ChannelForgery.FramesAsync(
            new FetchCall(1_000_001, ChannelForgery.FirstCallId, "POST", partner.BaseAddress + "/forged", [header], "{}"u8.ToArray()),
            new FetchCall(1_000_002, ChannelForgery.FirstCallId, "POST", partner.BaseAddress + "/marker", [], "{}"u8.ToArray()));
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId != "forge") return;
                var o = Console.OpenStandardOutput();
                o.Write(Convert.FromBase64String("{{frames}}"));
                o.Flush();
                for (var i = 0; i < 16 && (await fetch("{{partner.BaseAddress}}/seen", new { ThrowOnError = false })).Status != 200; i++)
                {
                    await Task.Delay(400); // 16 asks stay under the 20 calls an invocation may make
                }
            }) });
            """);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        var forged = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "forge"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        forged.Status.Should().Be(InvocationStatus.Succeeded, forged.Error);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        return ([.. partner.Requests.Where(r => r.Path != "/seen")], sandboxed.WorkerProcessId == worker);
    }
}
