using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>
/// A tenant at its limit of concurrent invocations (<c>limits.concurrentInvocations</c>) rejects a delivery without running
/// it: the event is tried again soon, uses no attempt and no retry step, and the tenant's circuit stays closed.
/// </summary>
public sealed class ConcurrencyRejectionTests
{
    private const string OneAtATime = """{ "limits": { "concurrentInvocations": 1 } }""";

    // Two calls may open the circuit, and a counted failure would wait 10 minutes: either would show at once.
    private static readonly Dictionary<string, string?> s_config = new()
    {
        ["WalletCrew:Delivery:CircuitMinimumThroughput"] = "2",
        ["WalletCrew:Delivery:CircuitSamplingDuration"] = "00:00:30",
        ["WalletCrew:Delivery:RetrySchedule:0"] = "00:10:00",
        ["WalletCrew:Engine:InvocationTimeout"] = "00:00:30",
    };

    [Fact]
    public async Task ARejectedDeliveryUsesNoAttemptNorRetryStepKeepsTheCircuitClosedAndIsDeliveredOnceASlotFrees()
    {
        await using var partner = await PartnerStub.StartAsync();
        var gate = new PartnerGate(partner, """{"points":5}""");
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"))
            .WriteScript("acme", Scripts.Providers(partner.BaseAddress), "providers.csx").WriteSettings("acme", OneAtATime);
        await using var host = await HostHarness.StartAsync(root, s_config);

        // The delivery worker never starts more than the tenant's limit allows; a Fill holding the one slot is what rejects.
        var fill = host.Client.PostAsJsonAsync("api/tenants/acme/customer-providers/points/fill",
            new { passId = "F1", passType = "loyalty", identifiers = new { customerId = "C42" }, data = new { } });
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count == 1, TimeSpan.FromSeconds(30), "the Fill holds the tenant's one slot");
        await host.IngestAsync("acme", "P1");
        await host.IngestAsync("acme", "P2");
        await WaitForDeferralsAsync(host, "P1", count: 2);
        await WaitForDeferralsAsync(host, "P2", count: 2);

        var waiting = await EventsAsync(host, "acme");
        CircuitOf(host, "acme").Should().Be(CircuitState.Closed, "four rejections with two calls enough to open it");
        waiting.Should().HaveCount(2).And.OnlyContain(e => e.Attempts == 0 && e.Failures == 0 && e.LastError == null, "nothing ran, so nothing failed");
        waiting.Should().OnlyContain(e => e.NextAttemptAt < DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5), "a rejection is retried soon, not on the ladder");
        partner.Requests.Should().ContainSingle("the rejected hooks never ran");

        gate.Open();
        using (var filled = await fill)
        {
            filled.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await HostHarness.WaitUntilAsync(async () => (await EventsAsync(host, "acme")).All(e => e.Status == DeliveryStatus.Delivered),
            TimeSpan.FromSeconds(30), "every event is delivered once the slot is free");
        (await EventsAsync(host, "acme")).Should().OnlyContain(e => e.Attempts == 1 && e.Failures == 0, "each event ran once, as its first attempt");
        CircuitOf(host, "acme").Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task NegativeControl_AGenuinelyFailingHookUsesARetryStepAndOpensTheCircuitUnderTheSameChecks()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook).WriteSettings("acme", OneAtATime);
        var config = new Dictionary<string, string?>(s_config) { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "down" };
        await using var host = await HostHarness.StartAsync(root, config);

        foreach (var pass in new[] { "P1", "P2", "P3" })
        {
            await host.IngestAsync("acme", pass);
        }

        await HostHarness.WaitUntilAsync(() => CircuitOf(host, "acme") == CircuitState.Open, TimeSpan.FromSeconds(30), "the failing hook opens the circuit");

        // The circuit hears of a failure when the attempt ends; the store, once its outcome is committed, a moment later.
        List<StoredEvent> failed = [];
        await HostHarness.WaitUntilAsync(async () => (failed = [.. (await EventsAsync(host, "acme")).Where(e => e.Failures > 0)]).Count > 0,
            TimeSpan.FromSeconds(30), "the failures are stored");
        failed.Should().OnlyContain(e => e.Attempts == 1 && e.LastError != null);
        failed.Should().OnlyContain(e => e.NextAttemptAt > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5), "a failure takes the ladder's step");
    }

    private static CircuitState CircuitOf(HostHarness host, string tenantId) =>
        host.Services.GetRequiredService<ConnectorCircuits>().States().GetValueOrDefault(tenantId, CircuitState.Closed);

    private static Task<IReadOnlyList<StoredEvent>> EventsAsync(HostHarness host, string tenantId) =>
        host.Services.GetRequiredService<IEventStore>().ListAsync(new DeliveryQuery(tenantId, null, null, 100), CancellationToken.None);

    // Each rejection moves the event's next attempt a little later: seeing it move count times proves count rejections.
    private static async Task WaitForDeferralsAsync(HostHarness host, string passId, int count)
    {
        var seen = new HashSet<DateTimeOffset>();
        await HostHarness.WaitUntilAsync(async () =>
        {
            var e = (await EventsAsync(host, "acme")).Single(x => x.PassId == passId);
            seen.Add(e.NextAttemptAt);
            return seen.Count > count;
        }, TimeSpan.FromSeconds(30), $"{passId} was rejected {count} times");
    }
}
