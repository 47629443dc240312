using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class CircuitTests
{
    [Fact]
    public async Task RepeatedFailuresOpenTheFailingTenantsCircuitOnly()
    {
        using var root = new TenantsRoot().WriteScript("failing", Scripts.RecordingHook).WriteScript("healthy", Scripts.RecordingHook);
        await using var host = await StartWithOpenCircuitAsync(root, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            await host.IngestAsync("healthy", $"H{i}");
        }

        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("healthy")).Count == 3, TimeSpan.FromSeconds(30), "the healthy tenant is delivered");
        // Attempts already running when the circuit opened still finish and log: let them land first.
        var attempts = -1;
        await HostHarness.WaitUntilAsync(async () =>
        {
            var before = (await host.GetJsonAsync("api/admin/tenants/failing/logs?limit=1000")).AsArray().Count;
            await Task.Delay(500);
            attempts = (await host.GetJsonAsync("api/admin/tenants/failing/logs?limit=1000")).AsArray().Count;
            return before == attempts;
        }, TimeSpan.FromSeconds(30), "the in-flight attempts have finished");

        // Retries are due every 50 ms: without the open circuit, a second would add many attempts.
        await Task.Delay(1000);
        (await host.GetJsonAsync("api/admin/tenants/failing/logs?limit=1000")).AsArray().Count.Should().Be(attempts,
            "an open circuit stops calling the failing partner");
        var events = (await host.GetJsonAsync("api/admin/deliveries?tenantId=failing")).AsArray();
        events.Should().OnlyContain(e => e!["status"]!.GetValue<string>() == "pending", "deferred events wait without using up attempts");
        Circuit(await host.GetJsonAsync("api/admin/queues"), "healthy").Should().Be("closed");
    }

    /// <summary>
    /// After its break an open circuit lets a trial call through, and closes when it succeeds: the tenant's deferred events
    /// are then delivered. (The claim left out every tenant whose circuit read open, and a circuit only leaves that state on
    /// a call, so an opened circuit stayed open until the host restarted.) The control is the test above: within the break,
    /// nothing is called.
    /// </summary>
    [Fact]
    public async Task AnOpenCircuitTriesAgainAfterItsBreakAndClosesWhenThePartnerIsBack()
    {
        using var root = new TenantsRoot().WriteScript("failing", Scripts.RecordingHook);
        await using var host = await StartWithOpenCircuitAsync(root, TimeSpan.FromSeconds(1));

        host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["WalletCrew:Tenants:failing:Secrets:MODE"] = "ok";

        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("failing")).Count == 6, TimeSpan.FromSeconds(30),
            "the deferred events are delivered once the circuit let a trial call through");
        Circuit(await host.GetJsonAsync("api/admin/queues"), "failing").Should().NotBe("open", "the trial call closed it (the queue lists a tenant with nothing pending as closed or not at all)");
    }

    /// <summary>Starts a host whose tenant "failing" fails every delivery (and "healthy", if the root has it, succeeds),
    /// ingests six events of "failing" and waits until its circuit, with a break of <paramref name="breakDuration"/>, opens.</summary>
    private static async Task<HostHarness> StartWithOpenCircuitAsync(TenantsRoot root, TimeSpan breakDuration)
    {
        var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Tenants:failing:Secrets:MODE"] = "down",
            ["WalletCrew:Tenants:healthy:Secrets:MODE"] = "ok",
            ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:00.050",
            ["WalletCrew:Delivery:RetrySchedule:1"] = "00:00:00.050",
            ["WalletCrew:Delivery:RetrySchedule:2"] = "00:00:00.050",
            ["WalletCrew:Delivery:RetrySchedule:3"] = "00:00:00.050",
            ["WalletCrew:Delivery:CircuitMinimumThroughput"] = "4",
            ["WalletCrew:Delivery:CircuitSamplingDuration"] = "00:00:30",
            ["WalletCrew:Delivery:CircuitBreakDuration"] = breakDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            for (var i = 0; i < 6; i++)
            {
                await host.IngestAsync("failing", $"F{i}");
            }

            await HostHarness.WaitUntilAsync(async () => Circuit(await host.GetJsonAsync("api/admin/queues"), "failing") == "open",
                TimeSpan.FromSeconds(30), "the failing tenant's circuit opened");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static string? Circuit(System.Text.Json.Nodes.JsonNode queues, string tenantId) =>
        queues.AsArray().FirstOrDefault(q => q!["tenantId"]!.GetValue<string>() == tenantId)?["circuit"]?.GetValue<string>()
        ?? (tenantId == "healthy" ? "closed" : null);
}
