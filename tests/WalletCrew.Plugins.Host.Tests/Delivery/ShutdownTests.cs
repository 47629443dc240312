using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StopLetsInFlightDeliveriesFinish()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = async context =>
        {
            await Task.Delay(1500);
            context.Response.StatusCode = 200;
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        var host = await HostHarness.StartAsync(root);
        var eventId = (await host.IngestAsync("acme", "P1")).Body["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the delivery is in flight");

        await host.DisposeAsync();

        (await ReadAsync(root, eventId)).Status.Should().Be(DeliveryStatus.Delivered, "stop waited for the partner's answer");
    }

    [Fact]
    public async Task StopPastTheShutdownTimeoutReleasesTheLeaseSoNothingIsLost()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Response.StatusCode = 200;
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:ShutdownTimeout"] = "00:00:01",
            ["WalletCrew:Engine:InvocationTimeout"] = "00:00:30",
            ["WalletCrew:Delivery:LeaseDuration"] = "00:10:00",
        });
        var eventId = (await host.IngestAsync("acme", "P1")).Body["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the delivery is in flight");

        await host.DisposeAsync();

        var stored = await ReadAsync(root, eventId);
        stored.Status.Should().Be(DeliveryStatus.Pending);
        stored.Attempts.Should().Be(0, "a cancelled call is not a failed attempt");
        var reclaimed = await Store(root).ClaimAsync(new ClaimRequest("next-host", stored.NextAttemptAt, TimeSpan.FromMinutes(1), 10, 10, []), CancellationToken.None);
        reclaimed.Select(e => e.EventId).Should().Equal([eventId], "the lease was released, not left to expire in 10 minutes");
    }

    private static SqliteEventStore Store(TenantsRoot root) => new(new SqliteStoreOptions(root.DatabasePath, "FULL"));

    private static async Task<StoredEvent> ReadAsync(TenantsRoot root, string eventId) =>
        (await Store(root).GetAsync(eventId, CancellationToken.None))!;
}
