using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Fill;

public sealed class FillTests(FillTests.Fixture fixture) : IClassFixture<FillTests.Fixture>
{
    private const string Body = """{"passId":"P1","passType":"loyalty","identifiers":{"customerId":"C42"},"data":{"points":5}}""";

    [Fact]
    public async Task FillReturnsTheProvidersData()
    {
        var (status, body) = await fixture.Host.PostRawAsync("api/tenants/shop/customer-providers/points/fill", Body);

        status.Should().Be(HttpStatusCode.OK);
        body.ToJsonString().Should().Be("""{"data":{"customerId":"C42","points":15,"passId":"P1","passType":"loyalty"}}""");
    }

    [Fact]
    public async Task UnknownProviderGets404()
    {
        var (status, problem) = await fixture.Host.PostRawAsync("api/tenants/shop/customer-providers/pointz/fill", Body);

        status.Should().Be(HttpStatusCode.NotFound);
        problem["detail"]!.GetValue<string>().Should().Be("Tenant 'shop' has no customer provider named 'pointz'.");
    }

    [Fact]
    public async Task UnknownTenantGets404()
    {
        var (status, problem) = await fixture.Host.PostRawAsync("api/tenants/nobody/customer-providers/points/fill", Body);

        status.Should().Be(HttpStatusCode.NotFound);
        problem["detail"]!.GetValue<string>().Should().Be("No tenant 'nobody' is loaded: its folder must exist under the tenants root.");
    }

    /// <summary>The 504 names the limit the tenant ran under: the host's, or its own from tenant.json.</summary>
    [Theory]
    [InlineData("shop", "1")]
    [InlineData("tight", "0.5")]
    public async Task SlowProviderGets504NamingTheLimit(string tenantId, string seconds)
    {
        var (status, problem) = await fixture.Host.PostRawAsync($"api/tenants/{tenantId}/customer-providers/slow/fill", Body);

        status.Should().Be(HttpStatusCode.GatewayTimeout);
        problem["detail"]!.GetValue<string>().Should().Be(
            $"Customer provider 'slow' of tenant '{tenantId}' did not finish within {seconds} s (limits.invocationTimeoutSeconds in tenant.json, else the host's WalletCrew:Engine:InvocationTimeout).");
    }

    [Fact]
    public async Task ThrowingProviderGets502WithoutLeakingTheErrorButLogsIt()
    {
        var (status, problem) = await fixture.Host.PostRawAsync("api/tenants/shop/customer-providers/broken/fill", Body);

        status.Should().Be(HttpStatusCode.BadGateway);
        problem["detail"]!.GetValue<string>().Should().Be("Customer provider 'broken' of tenant 'shop' failed. The error is in the tenant log: GET /api/admin/tenants/shop/logs.");
        var text = problem.ToJsonString();
        text.Should().NotContain("loyalty backend said no").And.NotContain("Exception").And.NotContain(".csx").And.NotContain(" at ");
        var logs = await fixture.Host.GetJsonAsync("api/admin/tenants/shop/logs");
        logs.AsArray().Select(l => l!["error"]?.GetValue<string>()).Should().Contain(e => e != null && e.Contains("loyalty backend said no") && e.Contains(".csx:line"));
    }

    [Fact]
    public async Task MissingPassIdIsNamed()
    {
        var (status, problem) = await fixture.Host.PostRawAsync("api/tenants/shop/customer-providers/points/fill", """{"identifiers":{}}""");

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["passId"]![0]!.GetValue<string>().Should().Be("'passId' is required.");
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private TenantsRoot? _root;

        internal HostHarness Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _root = new TenantsRoot().WriteScript("shop", Scripts.LocalProviders)
                .WriteScript("tight", Scripts.LocalProviders).WriteSettings("tight", """{ "limits": { "invocationTimeoutSeconds": 0.5 } }""");
            Host = await HostHarness.StartAsync(_root, new Dictionary<string, string?> { ["WalletCrew:Engine:InvocationTimeout"] = "00:00:01" });
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _root?.Dispose();
        }
    }
}
