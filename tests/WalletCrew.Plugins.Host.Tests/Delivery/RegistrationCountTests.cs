using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class RegistrationCountTests
{
    [Fact]
    public async Task HookEventsCarryTheCountsOfTheirOwnTransitionAcrossTwoDevices()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" });

        await host.IngestAsync("acme", "P1", device: "apple");                      // active 1, total 1
        await host.IngestAsync("acme", "P1", device: "google");                     // active 2, total 2
        await host.IngestAsync("acme", "P1", device: "apple");                      // repeat: no event
        await host.IngestAsync("acme", "P1", device: "apple", installed: false);    // active 1, total 2
        await host.IngestAsync("acme", "P1", device: "apple");                      // re-install: new generation, active 2, total 3
        await host.IngestAsync("acme", "P1", device: "google", installed: false);   // active 1, total 3
        await host.IngestAsync("acme", "P2", device: "apple");                      // another pass: its own counts

        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 6, TimeSpan.FromSeconds(30), "six transitions ran");
        var delivered = await host.DeliveredAsync("acme");
        delivered.Where(d => d.PassId == "P1").Select(d => (d.Device, d.Installed, d.Active, d.Total)).Should().Equal(
            ("apple", true, 1, 1),
            ("google", true, 2, 2),
            ("apple", false, 1, 2),
            ("apple", true, 2, 3),
            ("google", false, 1, 3));
        delivered.Where(d => d.PassId == "P2").Select(d => (d.Active, d.Total)).Should().Equal((1, 1));
    }

    [Fact]
    public async Task TwoDevicesOfOnePlatformCountSeparatelyByDeviceId()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" });

        var phone = await host.IngestAsync("acme", "P1", deviceId: "iphone-1");
        var watch = await host.IngestAsync("acme", "P1", deviceId: "iphone-2");

        phone.Body["activeRegistrationCount"]!.GetValue<int>().Should().Be(1);
        watch.Body["created"]!.GetValue<bool>().Should().BeTrue();
        watch.Body["activeRegistrationCount"]!.GetValue<int>().Should().Be(2);
        watch.Body["totalRegistrationCount"]!.GetValue<int>().Should().Be(2);
    }
}
