using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class PartnerDeliveryTests
{
    [Fact]
    public async Task IngestedEventReachesTheRealPartnerThroughTheHooksFetch()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.IngestAsync("acme", "P1", registrationSource: new { tags = new[] { "store" }, medium = "email" });

        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the partner received the hook call");
        var request = partner.Requests.Single();
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/hook");
        request.Headers["Idempotency-Key"].Should().Be(eventId);
        JsonNode.Parse(request.Body)!.ToJsonString().Should().Be(
            $$"""{"eventId":"{{eventId}}","tenantId":"acme","passId":"P1","installed":true,"device":"apple","active":1,"total":1,"attempt":1,"medium":"email"}""");
        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(10), "the event is marked delivered");
    }

    [Fact]
    public async Task DocumentationStyleHookPostsToThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.JavaScriptStyleHook(partner.BaseAddress + "/wallet"));
        await using var host = await HostHarness.StartAsync(root);

        await host.IngestAsync("acme", "P7", device: "google");

        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the partner received the hook call");
        JsonNode.Parse(partner.Requests[0].Body)!.ToJsonString().Should().Be("""{"passId":"P7","device":"google","customerId":"C-P7"}""");
        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Count == 1, TimeSpan.FromSeconds(10), "the attempt is logged");
        var logs = await host.GetJsonAsync("api/admin/tenants/acme/logs");
        logs[0]!["entries"]![0]!["message"]!.GetValue<string>().Should().Be("Pass P7 installed on google");
    }

    [Fact]
    public async Task PartnerErrorIsRetriedAndTheRetryCarriesTheSameEventId()
    {
        await using var partner = await PartnerStub.StartAsync();
        var calls = 0;
        partner.Handler = context =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 503 : 200;
            return Task.CompletedTask;
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:00.200" });

        var eventId = (await host.IngestAsync("acme", "P1")).Body["eventId"]!.GetValue<string>();

        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(30), "the retry succeeded");
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).Should().Equal(eventId, eventId);
        partner.Requests.Select(r => JsonNode.Parse(r.Body)!["attempt"]!.GetValue<int>()).Should().Equal(1, 2);
    }
}
