using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>fetch as a connector sees it: the documented PascalCase options, typed or anonymous.</summary>
public sealed class FetchFromScriptTests
{
    private static string Hook(string fetchCall) => $$"""
        async Task onPassInstalled(string passId)
        {
            var response = await {{fetchCall}};
            console.log(response.Status, response.Ok);
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    [Fact]
    public async Task NonSuccessThrowsByDefaultNamingTheRequest()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(500, "boom");
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Hook($"fetch(\"{partner.BaseAddress}/x\", new {{ Method = \"POST\" }})"));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith($"FetchException: POST {partner.BaseAddress}/x answered 500 Internal Server Error. (at server/script/connector.csx:line 3)");
    }

    [Fact]
    public async Task NonSuccessIsReturnedWhenThrowOnErrorIsFalse()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(404, "nope");
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Hook($"fetch(\"{partner.BaseAddress}/x\", new FetchOptions {{ ThrowOnError = false }})"));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Select(l => l.Message).Should().Equal("404 false");
    }

    [Fact]
    public async Task ObjectBodyWithoutContentTypeIsSentAsJson()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Hook($"fetch(\"{partner.BaseAddress}/x\", new {{ Method = \"PUT\", Body = new {{ passId, points = 3, vip = true }} }})"));

        await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        var request = partner.Requests.Should().ContainSingle().Subject;
        request.ContentType.Should().StartWith("application/json");
        request.Body.Should().Be("""{"passId":"P1","points":3,"vip":true}""");
    }

    [Fact]
    public async Task LoopbackIsDeniedUnlessTheHostAllowsIt()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var folder = new TenantFolder();
        folder.WriteScript("connector.csx", Hook($"fetch(\"{partner.BaseAddress}/x\")"));
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = false });
        using var tenant = engine.LoadTenant(folder.Directory);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("EgressDeniedException: Egress to 127.0.0.1:");
        partner.Requests.Should().BeEmpty();
    }
}
