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

    /// <summary>
    /// The host sends a worker's fetches eight at a time, each turn lasting until the worker has its answer: a worker that
    /// asked for many large answers and stopped reading would have had the host hold all of them in its own memory. Sixteen
    /// fetches at once all succeed; the partner sees eight at a time, so fetches still run side by side.
    /// </summary>
    [Fact]
    public async Task AWorkersFetchesAreSentEightAtATime()
    {
        await using var partner = await PartnerStub.StartAsync();
        var (running, most) = (0, 0);
        partner.Handler = async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(300);
            Interlocked.Decrement(ref running);
            await PartnerStub.Respond(200, "{}")(context);
        };
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, allowLoopback: true);
        using var tenant = harness.Load($$"""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => fetch("{{partner.BaseAddress}}/hook")));
                console.log(answers.Count(a => a.Ok) + " answered");
            }) });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("16 answered");
        most.Should().Be(EngineDefaults.WorkerConcurrentFetches);
    }

    private static void InterlockedMax(ref int location, int value)
    {
        for (var seen = Volatile.Read(ref location); value > seen; seen = Volatile.Read(ref location))
        {
            if (Interlocked.CompareExchange(ref location, value, seen) == seen)
            {
                return;
            }
        }
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
