using System.Net;
using System.Net.Http.Json;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Fill;

/// <summary>A Fill that finds its tenant at its concurrency limit ran nothing: 429 with <c>Retry-After</c>, not 502.</summary>
public sealed class FillRejectionTests
{
    [Fact]
    public async Task AFillOverTheTenantsConcurrencyLimitAnswers429WithRetryAfter()
    {
        await using var partner = await PartnerStub.StartAsync();
        var gate = new PartnerGate(partner, """{"points":5}""");
        using var root = new TenantsRoot().WriteScript("loyalty", Scripts.Providers(partner.BaseAddress))
            .WriteSettings("loyalty", """{ "limits": { "concurrentInvocations": 1 } }""");
        await using var host = await HostHarness.StartAsync(root);

        var held = FillAsync(host, "points", "P1");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the first Fill holds the tenant's one slot");
        using var rejected = await FillAsync(host, "points", "P2");

        rejected.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        rejected.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        (await rejected.Content.ReadAsStringAsync()).Should().Contain("The tenant is busy").And.Contain("limits.concurrentInvocations");
        partner.Requests.Should().ContainSingle("the rejected Fill never ran");

        gate.Open();
        using var first = await held;
        using var later = await FillAsync(host, "points", "P2");
        (first.StatusCode, later.StatusCode).Should().Be((HttpStatusCode.OK, HttpStatusCode.OK), "the limit holds only while the slot is taken");
    }

    /// <summary>
    /// The host's <c>WalletCrew:Engine:ConcurrentInvocations</c> is the limit of a tenant whose tenant.json sets none (it was
    /// named in messages but not read, so a host could not change it); a tenant's own limit outranks it.
    /// </summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData("""{ "limits": { "concurrentInvocations": 2 } }""", false)]
    public async Task TheHostsConcurrencySettingLimitsATenantThatSetsNone(string? settings, bool rejected)
    {
        await using var partner = await PartnerStub.StartAsync();
        var gate = new PartnerGate(partner, """{"points":5}""");
        using var root = new TenantsRoot().WriteScript("loyalty", Scripts.Providers(partner.BaseAddress));
        if (settings is not null)
        {
            root.WriteSettings("loyalty", settings);
        }

        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Engine:ConcurrentInvocations"] = "1" });

        var held = FillAsync(host, "points", "P1");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the first Fill holds a slot");
        var second = FillAsync(host, "points", "P2");
        if (rejected)
        {
            using var answer = await second;
            answer.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }
        else
        {
            await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 2, TimeSpan.FromSeconds(30), "the tenant's own limit lets a second Fill run");
        }

        gate.Open();
        using var first = await held;
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        if (!rejected)
        {
            using var answer = await second;
            answer.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task NegativeControl_AFailingProviderIsStill502WithoutRetryAfter()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("loyalty", Scripts.Providers(partner.BaseAddress))
            .WriteSettings("loyalty", """{ "limits": { "concurrentInvocations": 1 } }""");
        await using var host = await HostHarness.StartAsync(root);

        using var failed = await FillAsync(host, "broken", "P1");

        failed.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        failed.Headers.RetryAfter.Should().BeNull();
    }

    private static Task<HttpResponseMessage> FillAsync(HostHarness host, string provider, string passId) =>
        host.Client.PostAsJsonAsync($"api/tenants/loyalty/customer-providers/{provider}/fill",
            new { passId, passType = "loyalty", identifiers = new { customerId = "C42" }, data = new { } });
}
