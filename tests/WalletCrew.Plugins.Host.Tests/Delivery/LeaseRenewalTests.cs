using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>A hook slower than the lease keeps its event: the heartbeat renews the lease, so no other claim takes it.</summary>
public sealed class LeaseRenewalTests
{
    private static readonly TimeSpan s_partnerTakes = TimeSpan.FromSeconds(6);

    // A 2 s lease against a 6 s partner: without renewal the lease runs out twice during one call. With renewal (every
    // third of the lease) a renewal may come up to 1.3 s late before the other host may claim: a 1 s lease left 0.7 s,
    // which a loaded two-core CI machine once missed.
    private static readonly Dictionary<string, string?> s_config = new()
    {
        ["WalletCrew:Delivery:LeaseDuration"] = "00:00:02",
        ["WalletCrew:Engine:InvocationTimeout"] = "00:00:30",
    };

    [Fact]
    public async Task AHookSlowerThanTheLeaseIsDeliveredExactlyOnceWhileTwoHostsClaimFromTheFile()
    {
        await using var partner = await SlowPartnerAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var first = await HostHarness.StartAsync(root, s_config);
        await using var second = await HostHarness.StartAsync(root, s_config);

        var (_, body) = await first.IngestAsync("acme", "P1");
        var eventId = body["eventId"]!.GetValue<string>();
        await WaitUntilDeliveredAsync(first, eventId);

        partner.Requests.Should().ContainSingle("the running delivery renewed its lease, so neither host claimed the event again");
        (await first.Services.GetRequiredService<IEventStore>().GetAsync(eventId, CancellationToken.None))!.Attempts.Should().Be(1);
    }

    /// <summary>The control: without renewal the lease runs out during the call, and the other host runs the event again.
    /// The first host is delivering it before the second starts, and polls too rarely to claim it back itself (it would
    /// keep it: the test below).</summary>
    [Fact]
    public async Task NegativeControl_WithoutRenewalTheSameSlowHooksEventIsClaimedTwice()
    {
        await using var partner = await SlowPartnerAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var first = await HostHarness.StartAsync(root, s_config, services: s => s.PostConfigure<DeliveryOptions>(o =>
        {
            o.RenewLeases = false;
            o.PollInterval = TimeSpan.FromMinutes(1);
        }));
        var (_, body) = await first.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the first host delivers the event");
        await using var second = await HostHarness.StartAsync(root, s_config, services: s => s.PostConfigure<DeliveryOptions>(o => o.RenewLeases = false));

        await WaitUntilDeliveredAsync(first, body["eventId"]!.GetValue<string>());

        partner.Requests.Count.Should().BeGreaterThan(1, "the lease ran out while the hook was still running");
    }

    /// <summary>
    /// A host whose lease on a running delivery ran out (renewals failing, here turned off) claims that event back and must
    /// not start it a second time: it was handed to the same slot twice, the second run's lease then dropped by the first's
    /// end. With one host, the partner sees the event once. The control is the test above: a second host does run it again.
    /// </summary>
    [Fact]
    public async Task AHostDoesNotStartAgainAnEventItIsStillDeliveringWhenItsLeaseComesBackToIt()
    {
        await using var partner = await SlowPartnerAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root, s_config, services: s => s.PostConfigure<DeliveryOptions>(o => o.RenewLeases = false));

        var (_, body) = await host.IngestAsync("acme", "P1");
        await WaitUntilDeliveredAsync(host, body["eventId"]!.GetValue<string>());

        partner.Requests.Should().ContainSingle("the lease came back to the host already delivering the event");
    }

    private static async Task<PartnerStub> SlowPartnerAsync()
    {
        var partner = await PartnerStub.StartAsync();
        partner.Handler = async context =>
        {
            await Task.Delay(s_partnerTakes, context.RequestAborted);
            await PartnerStub.Respond(200, "{}")(context);
        };
        return partner;
    }

    private static Task WaitUntilDeliveredAsync(HostHarness host, string eventId) =>
        HostHarness.WaitUntilAsync(
            async () => (await host.Services.GetRequiredService<IEventStore>().GetAsync(eventId, CancellationToken.None))?.Status == DeliveryStatus.Delivered,
            TimeSpan.FromSeconds(30), $"{eventId} is delivered");
}
