using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
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
    public async Task ThePartnerCallContinuesTheIngestTrace()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/passes/P1/installations")
        {
            Content = new StringContent("""{"device":"apple","installed":true,"passType":"loyalty","identifiers":{"customerId":"C1"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        // The caller's trace: the test's own HttpClient propagates it as the traceparent header.
        using var caller = new System.Diagnostics.Activity("caller").SetParentId($"00-{traceId}-00f067aa0ba902b7-01").Start();

        using var response = await host.Client.SendAsync(request);
        caller.Stop();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the partner received the hook call");
        var events = await host.GetJsonAsync("api/admin/deliveries");
        events[0]!["traceParent"]?.GetValue<string>().Should().Contain(traceId);
        partner.Requests[0].Headers.Should().ContainKey("traceparent");
        partner.Requests[0].Headers["traceparent"].Split('-')[1].Should().Be(traceId, "ingest → hook → partner call is one trace");
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
