using System.Net;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class RetentionTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ADeliveredEventAndItsLogAreDeletedOnceOlderThanKeepFor()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config(enabled: true), time);
        var eventId = await DeliverOneAsync(host, time);

        await time.AdvanceToAsync(time.GetUtcNow() + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1),
            async () => await StatusOfAsync(host, eventId) == HttpStatusCode.NotFound, s_poll, "the delivered event was pruned");

        (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task NegativeControl_WithRetentionOffTheSameEventStays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config(enabled: false), time);
        var eventId = await DeliverOneAsync(host, time);

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(25);
        }

        (await StatusOfAsync(host, eventId)).Should().Be(HttpStatusCode.OK);
        (await host.DeliveredAsync("acme")).Should().ContainSingle();
    }

    private static async Task<string> DeliverOneAsync(HostHarness host, FakeTimeProvider time)
    {
        var (status, body) = await host.IngestAsync("acme", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        await time.AdvanceToAsync(time.GetUtcNow(), async () => (await host.DeliveredAsync("acme")).Count == 1, s_poll, "the event was delivered");
        return body["eventId"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HostHarness host, string eventId)
    {
        using var response = await host.Client.GetAsync($"api/admin/deliveries/{eventId}");
        return response.StatusCode;
    }

    private static Dictionary<string, string?> Config(bool enabled) => new()
    {
        ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok",
        ["WalletCrew:Retention:Enabled"] = enabled ? "true" : "false",
        ["WalletCrew:Retention:KeepFor"] = "01:00:00",
        ["WalletCrew:Retention:Interval"] = "00:01:00",
    };
}
