using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>A worker's <c>fetch</c> leaves through the host, which applies the egress rules and counts the calls itself.</summary>
public sealed class SandboxEgressTests
{
    private const string Fetching = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
        {
            var count = int.Parse(passId);
            for (var i = 0; i < count; i++)
            {
                try { await fetch(URL + "/hook", new { Method = "POST", Body = new { i } }); console.log("sent " + i); }
                catch (Exception e) { console.log("refused " + i + ": " + e.Message); break; }
            }
        }) });
        """;

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task FetchFromAWorkerObeysTheHostsEgressRules(bool allowLoopback, int delivered)
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, allowLoopback: allowLoopback);
        using var tenant = harness.Load(Fetching.Replace("URL", $"\"{partner.BaseAddress}\"", StringComparison.Ordinal));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "1"), CancellationToken.None);

        partner.Requests.Should().HaveCount(delivered);
        result.Log.Single().Message.Should().StartWith(allowLoopback ? "sent 0" : "refused 0: ");
    }

    [Fact]
    public async Task TheHostCountsAWorkersCallsAgainstTheOutboundLimit()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load(Fetching.Replace("URL", $"\"{partner.BaseAddress}\"", StringComparison.Ordinal));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "25"), CancellationToken.None);

        partner.Requests.Should().HaveCount(20);
        result.Log.Last().Message.Should().StartWith("refused 20: Outbound call 21 of this invocation");
    }
}
