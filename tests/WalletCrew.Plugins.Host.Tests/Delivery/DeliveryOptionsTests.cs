using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class DeliveryOptionsTests
{
    [Fact]
    public void DefaultsAreSvixLadderAndDocumentedLimits()
    {
        var options = new DeliveryOptions();

        options.EffectiveRetrySchedule.Should().Equal(
            TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
            TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10));
        options.JitterRatio.Should().Be(0.2);
        options.Concurrency.Should().Be(128);
        options.PerTenantConcurrency.Should().Be(16);
        options.LeaseDuration.Should().Be(TimeSpan.FromSeconds(15));
        options.RenewLeases.Should().BeTrue();
        (options.CircuitFailureRatio, options.CircuitMinimumThroughput, options.CircuitSamplingDuration, options.CircuitBreakDuration)
            .Should().Be((0.7, 10, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void LadderStepsStayWithinTheJitter()
    {
        var ladder = new RetryLadder([TimeSpan.FromSeconds(10)], 0.2, new Random(7));

        var waits = Enumerable.Range(0, 200).Select(_ => ladder.Next(1)!.Value).ToList();

        waits.Should().OnlyContain(w => w >= TimeSpan.FromSeconds(8) && w <= TimeSpan.FromSeconds(12));
        waits.Distinct().Count().Should().BeGreaterThan(100, "jitter spreads retries");
        ladder.Next(2).Should().BeNull("past the last step the event is dead-lettered");
    }

    [Fact]
    public async Task HostRefusesABadLadderAndReportsEveryProblem()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Delivery:RetrySchedule:0"] = "-00:00:01",
            ["WalletCrew:Delivery:RetrySchedule:1"] = "8.00:00:00",
        });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Equal(
            "WalletCrew:Delivery:RetrySchedule:0 is -00:00:01; each wait must be between 00:00:00 and 7.00:00:00.",
            "WalletCrew:Delivery:RetrySchedule:1 is 8.00:00:00; each wait must be between 00:00:00 and 7.00:00:00.");
    }

    [Fact]
    public async Task ALeaseShorterThanTheInvocationTimeoutIsAcceptedBecauseTheHeartbeatRenewsIt()
    {
        using var root = new TenantsRoot();

        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Delivery:LeaseDuration"] = "00:00:05" });

        host.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.LeaseDuration.Should().Be(TimeSpan.FromSeconds(5));
    }
}
