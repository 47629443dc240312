using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>A script declares a Refit interface and a JSON context, and calls a real partner through the platform's HTTP.</summary>
public sealed class RefitConnectorTests
{
    [Fact]
    public async Task RefitClientCallsThePartnerAndMapsItsJson()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold","since":"2020-01-01"}""");
        using var harness = new EngineHarness();
        using var tenant = harness.Load(RefitScripts.Loyalty(stub.BaseAddress), "refitProvider.csx");
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!.ToJsonString().Should().Be("""{"points":120,"tier":"gold"}""");
        stub.Requests.Should().ContainSingle().Which.Should().Match<RecordedRequest>(r => r.Method == "GET" && r.Path == "/customers/C42");
    }

    [Fact]
    public void SourceGeneratorErrorIsADiagnosticWithFileAndLine()
    {
        // Refit 16.4.0's generator reports nothing on a bad route (its checks live in Refit.Analyzers); the JSON one does.
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            using System.Text.Json.Serialization;
            context.register("runtime.scriptable.customerProvider.refit", new { Fill = (string passId) => passId });
            public sealed class Customer
            {
                [JsonConstructor] public Customer(int points) { }
                [JsonConstructor] public Customer(string tier) { }
            }
            [JsonSerializable(typeof(Customer))]
            internal sealed partial class LoyaltyJson : JsonSerializerContext;
            """, "refitProvider.csx");

        var error = tenant.Diagnostics.Should().ContainSingle(d => d.IsError).Which;
        error.Code.Should().Be("SYSLIB1033");
        error.Path.Should().Be("server/script/refitProvider.csx");
        error.Line.Should().BeInRange(3, 9);
        error.Column.Should().BePositive();
        tenant.CustomerProviders.Should().BeEmpty();
    }

    [Fact]
    public async Task EgressGuardAppliesToTheRefitClient()
    {
        await using var stub = await PartnerStub.StartAsync();
        using var folder = new TenantFolder();
        folder.WriteScript("refitProvider.csx", RefitScripts.Loyalty(stub.BaseAddress));
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = false, Secrets = new InMemorySecretSource() });
        using var tenant = engine.LoadTenant(folder.Directory);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain("Egress to 127.0.0.1").And.Contain("denied");
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ResponseBodyLimitAppliesToTheRefitClient()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, $$"""{"points":1,"tier":"{{new string('x', 2 * 1024 * 1024)}}"}""");
        using var harness = new EngineHarness();
        using var tenant = harness.Load(RefitScripts.Loyalty(stub.BaseAddress), "refitProvider.csx");

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain("over the limit").And.Contain("limits.responseBodyBytes");
    }

    [Fact]
    public async Task InvocationTimeLimitCancelsARefitCall()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            await PartnerStub.Respond(200, "{}")(context);
        };
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(1));
        using var tenant = harness.Load(RefitScripts.Loyalty(stub.BaseAddress), "refitProvider.csx");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        // That the request itself is cancelled (not only abandoned) is ConnectorHttpHandlerTests' job.
    }

    [Fact]
    public async Task RefitIsLoadedPrivatelyIntoTheConnectorsContext()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, """{"points":1,"tier":"silver"}""");
        using var harness = new EngineHarness();
        using var tenant = harness.Load(RefitScripts.Loyalty(stub.BaseAddress), "refitProvider.csx");
        (await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

        System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies.Should().NotContain(a => a.GetName().Name == "Refit");
        System.Runtime.Loader.AssemblyLoadContext.All
            .Where(c => c.Assemblies.Any(a => a.GetName().Name == "Refit"))
            .Should().OnlyContain(c => c.IsCollectible);
    }

    [Fact]
    public void PolicyRefusesRefitOverloadsThatCreateTheirOwnHttpClient()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            using Refit;
            using System.Text.Json.Serialization;
            var api = RestService.ForGenerated<ILoyaltyApi>("http://127.0.0.1:1", LoyaltyJson.Default);
            context.register("runtime.scriptable.customerProvider.refit", new { Fill = (string passId) => passId });
            public interface ILoyaltyApi { [Get("/customers/{id}")] Task<string> GetCustomerAsync(string id); }
            [JsonSerializable(typeof(string))] internal sealed partial class LoyaltyJson : JsonSerializerContext;
            """, "refitProvider.csx");

        tenant.Diagnostics.Should().ContainSingle(d => d.Code == "WCP1001")
            .Which.Message.Should().Contain("Refit.RestService.ForGenerated<ILoyaltyApi>(string, System.Text.Json.Serialization.JsonSerializerContext)");
    }
}
