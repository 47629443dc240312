using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>
/// Every request a connector sends counts toward <c>OutboundCallsPerInvocation</c>, whatever client sent it: <c>fetch</c>, a
/// typed client from <c>Context.CreateHttpClient</c> (Refit over it), or both mixed. Before the count moved into the handler
/// every client shares, only <c>fetch</c> counted: the Refit spellings below made all 25 calls and the partner saw 25.
/// </summary>
public sealed class OutboundCallCountTests
{
    // Refit wraps what its handler throws in ApiRequestException; the message is the limit's.
    private const string LimitError = "Outbound call 21 of this invocation";

    [Fact]
    public async Task RefitClientFailsAtTheTwentyFirstCallAndThePartnerSeesTwenty()
    {
        await using var partner = await Partner();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(partner.BaseAddress, refitCalls: 25), "refitProvider.csx");
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain($"{LimitError} ({partner.BaseAddress}/customers/C21) is over the limit of 20 (limit: OutboundCallsPerInvocation)");
        partner.Requests.Should().HaveCount(20);
    }

    [Fact]
    public async Task FetchAndRefitCallsShareOneCount()
    {
        await using var partner = await Partner();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(partner.BaseAddress, refitCalls: 15, fetchCalls: 10), "refitProvider.csx");

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain($"{LimitError} ({partner.BaseAddress}/customers/C11)");
        partner.Requests.Should().HaveCount(20);
        partner.Requests.Count(r => r.Path.StartsWith("/fetch/", StringComparison.Ordinal)).Should().Be(10);
    }

    [Fact]
    public async Task TwoTypedClientsOfOneConnectorShareOneCount()
    {
        await using var partner = await Partner();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(partner.BaseAddress, refitCalls: 13, secondClientCalls: 13), "refitProvider.csx");

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain($"{LimitError} ({partner.BaseAddress}/customers/D8)");
        partner.Requests.Should().HaveCount(20);
    }

    [Fact]
    public async Task TypedClientCallsCountPerInvocation()
    {
        await using var partner = await Partner();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(partner.BaseAddress, refitCalls: 20), "refitProvider.csx");

        (await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        (await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        partner.Requests.Should().HaveCount(40);
    }

    [Fact]
    public async Task NegativeControlWithTheLimitRaisedThePartnerSeesEveryCall()
    {
        // The stub really receives what the connector sends: with room for 25, all 25 arrive, so the 20 above is the limit at work.
        await using var partner = await Partner();
        using var harness = new EngineHarness();
        File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), """{ "limits": { "outboundCallsPerInvocation": 30 } }""");
        using var tenant = harness.Load(Script(partner.BaseAddress, refitCalls: 25), "refitProvider.csx");

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        partner.Requests.Should().HaveCount(25);
    }

    private static async Task<PartnerStub> Partner()
    {
        var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(200, """{"points":1,"tier":"gold"}""");
        return partner;
    }

    private static string Script(string baseAddress, int refitCalls, int fetchCalls = 0, int secondClientCalls = 0) => $$"""
        using Refit;
        using System.Text.Json.Serialization;

        var api = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("{{baseAddress}}"), LoyaltyJson.Default);
        var other = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("{{baseAddress}}"), LoyaltyJson.Default);

        async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
        {
            var points = 0;
            for (var i = 1; i <= {{fetchCalls}}; i++) await fetch($"{{baseAddress}}/fetch/{i}");
            for (var i = 1; i <= {{refitCalls}}; i++) points += (await api.GetCustomerAsync($"C{i}")).Points;
            for (var i = 1; i <= {{secondClientCalls}}; i++) points += (await other.GetCustomerAsync($"D{i}")).Points;
            return new { points, tier = "gold" };
        }

        context.register("runtime.scriptable.customerProvider.refit", new { Fill = fill });

        public interface ILoyaltyApi
        {
            [Get("/customers/{id}")]
            Task<Customer> GetCustomerAsync(string id);
        }

        public sealed record Customer(int Points, string Tier);

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
        [JsonSerializable(typeof(Customer))]
        internal sealed partial class LoyaltyJson : JsonSerializerContext;
        """;
}
