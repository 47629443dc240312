using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Ingestion;

public sealed class IngestDeliveryTests
{
    [Fact]
    public async Task IngestAnswers202WithEventIdAndTheHookPostsToThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.IngestAsync("acme", "P1");

        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        eventId.Should().StartWith("evt_");
        body["created"]!.GetValue<bool>().Should().BeTrue();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the partner received the hook call");
        var call = JsonNode.Parse(partner.Requests[0].Body)!;
        call["eventId"]!.GetValue<string>().Should().Be(eventId);
        call["passId"]!.GetValue<string>().Should().Be("P1");
        call["device"]!.GetValue<string>().Should().Be("apple");
        partner.Requests[0].Headers["Idempotency-Key"].Should().Be(eventId);
        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(10), "the event is marked delivered");
    }

    [Fact]
    public async Task AcknowledgedEventIsInTheStoreBeforeAnyDelivery()
    {
        // Negative control for "202 means committed": no tenant hook runs (no partner), yet the row is there with its counts.
        using var root = new TenantsRoot().WriteScript("acme", "context.register(\"runtime.scriptable.customerProvider.none\", new { Fill = (Func<object>)(() => new { }) });");
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.IngestAsync("acme", "P1");

        status.Should().Be(HttpStatusCode.Accepted);
        var stored = await host.GetJsonAsync($"api/admin/deliveries/{body["eventId"]!.GetValue<string>()}");
        stored["passId"]!.GetValue<string>().Should().Be("P1");
        stored["activeRegistrationCount"]!.GetValue<int>().Should().Be(1);
        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{body["eventId"]!.GetValue<string>()}"))["status"]!.GetValue<string>() == "skipped",
            TimeSpan.FromSeconds(10), "an event of a tenant without pass updater is skipped, not lost in a retry loop");
    }

    [Fact]
    public async Task EventsOfOnePassReachTheHookInOrderWhileOtherPassesRunInParallel()
    {
        await using var partner = await PartnerStub.StartAsync();
        // A slow partner makes reordering likely if the host did not serialise per pass.
        partner.Handler = async context =>
        {
            await Task.Delay(Random.Shared.Next(0, 15));
            context.Response.StatusCode = 200;
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root);

        var expected = new Dictionary<string, List<string>>();
        foreach (var passId in new[] { "A", "B", "C" })
        {
            expected[passId] = [];
        }

        for (var i = 0; i < 10; i++)
        {
            foreach (var passId in expected.Keys)
            {
                var (status, body) = await host.IngestAsync("acme", passId, installed: i % 2 == 0);
                status.Should().Be(HttpStatusCode.Accepted);
                expected[passId].Add(body["eventId"]!.GetValue<string>());
            }
        }

        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 30, TimeSpan.FromSeconds(60), "all 30 events reached the partner");
        var calls = partner.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        foreach (var (passId, eventIds) in expected)
        {
            calls.Where(c => c["passId"]!.GetValue<string>() == passId).Select(c => c["eventId"]!.GetValue<string>())
                .Should().Equal(eventIds, $"events of pass {passId} must arrive in ingest order");
        }
    }

    [Fact]
    public async Task RepeatedInstallOnTheSameDeviceIsAcknowledgedWithoutASecondEvent()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root);

        var first = await host.IngestAsync("acme", "P1");
        var repeat = await host.IngestAsync("acme", "P1");
        var uninstall = await host.IngestAsync("acme", "P1", installed: false);

        repeat.Status.Should().Be(HttpStatusCode.Accepted);
        repeat.Body["created"]!.GetValue<bool>().Should().BeFalse();
        repeat.Body["eventId"]!.GetValue<string>().Should().Be(first.Body["eventId"]!.GetValue<string>());
        uninstall.Body["created"]!.GetValue<bool>().Should().BeTrue("an uninstall after an install is a transition (control)");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count >= 2, TimeSpan.FromSeconds(30), "both transitions reached the partner");
        var events = await host.GetJsonAsync("api/admin/deliveries?tenantId=acme");
        events.AsArray().Should().HaveCount(2);
    }
}
