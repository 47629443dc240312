using System.Net;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Fill;

public sealed class PartnerFillTests
{
    [Fact]
    public async Task FillReturnsWhatTheProviderReadFromThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(200, """{"points":1200,"tier":"gold"}""");
        using var root = new TenantsRoot().WriteScript("loyalty", Scripts.Providers(partner.BaseAddress));
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.PostRawAsync("api/tenants/loyalty/customer-providers/points/fill",
            """{"passId":"P1","passType":"loyalty","identifiers":{"customerId":"C42"},"data":{}}""");

        status.Should().Be(HttpStatusCode.OK);
        body.ToJsonString().Should().Be("""{"data":{"points":1200,"passId":"P1"}}""");
        partner.Requests.Single().Path.Should().Be("/customers/C42");
    }

    [Fact]
    public async Task PartnerFailureBecomes502WithoutThePartnersAnswer()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(500, """{"error":"db password is hunter2"}""");
        using var root = new TenantsRoot().WriteScript("loyalty", Scripts.Providers(partner.BaseAddress));
        await using var host = await HostHarness.StartAsync(root);

        var (status, problem) = await host.PostRawAsync("api/tenants/loyalty/customer-providers/points/fill",
            """{"passId":"P1","identifiers":{"customerId":"C42"}}""");

        status.Should().Be(HttpStatusCode.BadGateway);
        problem.ToJsonString().Should().NotContain("hunter2");
        problem["detail"]!.GetValue<string>().Should().NotContain("500");
    }
}
