using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>The per-invocation counters as a script meets them: outbound calls, body sizes and log volume.</summary>
public sealed class CounterLimitTests
{
    [Fact]
    public async Task TwentyFirstFetchFailsBeforeItIsSent()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                for (var i = 1; i <= 21; i++) await fetch($"{{partner.BaseAddress}}/call/{i}");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be(
            $"InvocationLimitExceededException: Outbound call 21 of this invocation ({partner.BaseAddress}/call/21) is over the limit of 20 "
            + "(limit: OutboundCallsPerInvocation); it was not sent. Make fewer calls (batch them, cache what does not change), "
            + "or raise `limits.outboundCallsPerInvocation` in tenant.json within the host's maximum. (at server/script/connector.csx:line 3)");
        partner.Requests.Should().HaveCount(20);
    }

    [Fact]
    public async Task EachInvocationGetsItsOwnOutboundCalls()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                for (var i = 0; i < 20; i++) await fetch("{{partner.BaseAddress}}/x");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        partner.Requests.Should().HaveCount(40);
    }

    [Fact]
    public async Task RequestBodyOverTheLimitFailsFromAScriptWithNothingSent()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                await fetch("{{partner.BaseAddress}}/big", new { Method = "POST", Body = new { text = new string('x', 300 * 1024) } });
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be(
            $"FetchLimitExceededException: The request body of POST {partner.BaseAddress}/big is 307,211 bytes, over the limit of 262,144 bytes (256 KiB); "
            + "nothing was sent. Send less, or raise `limits.requestBodyBytes` in tenant.json within the host's maximum. (at server/script/connector.csx:line 3)");
        partner.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ResponseOverTheLimitFailsFromAScript()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(200, new string('x', 2 * 1024 * 1024), "text/plain");
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                var response = await fetch("{{partner.BaseAddress}}/huge");
                console.log(response.Status);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Match(
            $"FetchLimitExceededException: The response body of GET {partner.BaseAddress}/huge * over the limit of 1,048,576 bytes (1 MiB)*"
            + "raise `limits.responseBodyBytes` in tenant.json within the host's maximum. (at server/script/connector.csx:line 3)");
        result.Log.Should().BeEmpty();
    }

    [Fact]
    public async Task LogVolumeIsTruncatedByBytesWithAMarker()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId)
            {
                var line = new string('a', 1000);
                for (var i = 0; i < 1000; i++) console.log(line);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Should().HaveCount(18);
        result.Log.Take(16).Should().OnlyContain(l => l.Message.Length == 1000);
        result.Log[16].Message.Should().HaveLength(384, "the line that crosses 16 KiB keeps what fits");
        result.Log[17].ToString().Should().Be("Warning: The tenant log of this invocation was truncated at 16,384 bytes (limit: LogBytesPerInvocation).");
    }

    [Fact]
    public async Task LogVolumeIsTruncatedByEntriesWithAMarker()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId)
            {
                for (var i = 0; i < 5000; i++) console.log("x");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Should().HaveCount(1001);
        result.Log[^1].ToString().Should().Be("Warning: The tenant log of this invocation was truncated after 1,000 entries (limit: LogEntriesPerInvocation).");
    }
}
