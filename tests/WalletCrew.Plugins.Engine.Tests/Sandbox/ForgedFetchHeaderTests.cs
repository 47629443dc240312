using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A fetch crosses the channel as a frame the worker writes, so code past the policy can write one with headers its own
/// fetch would refuse. The host judges them by the rules in-process code obeys (one rule set, <c>HeaderRules</c>; the relay
/// had a list of its own that disagreed with it): such a fetch is answered as invalid, nothing is sent, and the worker (and
/// every other call of the tenant) keeps running. The control: the same forged frame with a header in-process code may send
/// is sent as it was given, so the frames do reach the host's relay.
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

        sent.Should().BeEmpty($"a header `{name}` is not sent");
        sameWorker.Should().BeTrue("a refused fetch is an answer, not a fault of the host's");
    }

    [Theory]
    [InlineData("X-Trace")]
    [InlineData("Server")] // a response's header, which in-process fetch sends too
    [InlineData("Age")]
    public async Task NegativeControl_AForgedFetchWithAHeaderAnyConnectorMaySendIsSent(string name)
    {
        var (sent, sameWorker) = await ForgeAsync(new HeaderData(name, "forged"));

        sent.Should().ContainSingle().Which.Headers[name].Should().Be("forged");
        sameWorker.Should().BeTrue();
    }

    /// <summary>Runs a call that writes one fetch frame of its own with <paramref name="header"/>, then finishes normally.</summary>
    private static async Task<(IReadOnlyList<RecordedRequest> Sent, bool SameWorker)> ForgeAsync(HeaderData header)
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = ChannelForgery.Harness(checkpoints: false, allowLoopback: true);
        using var tenant = harness.Load(ChannelForgery.Hook(await ChannelForgery.FramesAsync(
            new FetchCall(1_000_001, ChannelForgery.FirstCallId, "POST", partner.BaseAddress + "/forged", [header], "{}"u8.ToArray()))));
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var sandboxed = (SandboxedTenant)tenant.Runtime;
        var worker = sandboxed.WorkerProcessId!.Value;

        var forged = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "forge"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        forged.Status.Should().Be(InvocationStatus.Succeeded, forged.Error);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        return (partner.Requests, sandboxed.WorkerProcessId == worker);
    }
}
