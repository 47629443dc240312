using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Ingestion;

public sealed class IngestDeliveryTests
{
    private static readonly Dictionary<string, string?> s_ok = new() { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" };

    [Fact]
    public async Task IngestAnswers202WithEventIdAndTheHookReceivesThatEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);

        var (status, body) = await host.IngestAsync("acme", "P1", registrationSource: new { tags = new[] { "store" }, medium = "email" });

        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        eventId.Should().StartWith("evt_");
        body["created"]!.GetValue<bool>().Should().BeTrue();
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 1, TimeSpan.FromSeconds(30), "the hook ran");
        (await host.DeliveredAsync("acme")).Should().Equal(new DeliveredLine(eventId, "P1", true, "apple", 1, 1, 1));
        var stored = await host.GetJsonAsync($"api/admin/deliveries/{eventId}");
        stored["status"]!.GetValue<string>().Should().Be("delivered");
        stored["source"]!["medium"]!.GetValue<string>().Should().Be("email");
    }

    [Fact]
    public async Task EventOfATenantWithoutPassUpdaterIsStoredAndSkippedNotRetried()
    {
        using var root = new TenantsRoot().WriteScript("acme", "context.register(\"runtime.scriptable.customerProvider.none\", new { Fill = (Func<object>)(() => new { }) });");
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.IngestAsync("acme", "P1");

        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["status"]!.GetValue<string>() == "skipped",
            TimeSpan.FromSeconds(30), "the event is skipped");
        (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["activeRegistrationCount"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task EventsOfOnePassReachTheHookInIngestOrder()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);
        var expected = new Dictionary<string, List<string>> { ["A"] = [], ["B"] = [], ["C"] = [] };

        for (var i = 0; i < 8; i++)
        {
            foreach (var passId in expected.Keys)
            {
                var (status, body) = await host.IngestAsync("acme", passId, installed: i % 2 == 0);
                status.Should().Be(HttpStatusCode.Accepted);
                expected[passId].Add(body["eventId"]!.GetValue<string>());
            }
        }

        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 24, TimeSpan.FromSeconds(60), "all 24 events ran");
        var delivered = await host.DeliveredAsync("acme");
        foreach (var (passId, eventIds) in expected)
        {
            delivered.Where(d => d.PassId == passId).Select(d => d.EventId).Should().Equal(eventIds, $"events of pass {passId} must run in ingest order");
        }

        delivered.Where(d => d.PassId == "A").Select(d => d.Installed).Should().Equal(true, false, true, false, true, false, true, false);
    }

    [Fact]
    public async Task RepeatedInstallOnTheSameDeviceIsAcknowledgedWithoutASecondEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);

        var first = await host.IngestAsync("acme", "P1");
        var repeat = await host.IngestAsync("acme", "P1");
        var uninstall = await host.IngestAsync("acme", "P1", installed: false);
        var repeatedUninstall = await host.IngestAsync("acme", "P1", installed: false);

        repeat.Status.Should().Be(HttpStatusCode.Accepted);
        repeat.Body["created"]!.GetValue<bool>().Should().BeFalse();
        repeat.Body["eventId"]!.GetValue<string>().Should().Be(first.Body["eventId"]!.GetValue<string>());
        uninstall.Body["created"]!.GetValue<bool>().Should().BeTrue("an uninstall after an install is a transition (control)");
        repeatedUninstall.Body["created"]!.GetValue<bool>().Should().BeFalse();
        repeatedUninstall.Body["eventId"]!.GetValue<string>().Should().Be(uninstall.Body["eventId"]!.GetValue<string>());
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 2, TimeSpan.FromSeconds(30), "both transitions ran");
        (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme")).AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task UninstallOfAPassNeverInstalledIsAcknowledgedWithoutEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);

        var (status, body) = await host.IngestAsync("acme", "P1", installed: false);

        status.Should().Be(HttpStatusCode.Accepted);
        body["created"]!.GetValue<bool>().Should().BeFalse();
        body["eventId"].Should().BeNull();
        (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme")).AsArray().Should().BeEmpty();
    }
}
