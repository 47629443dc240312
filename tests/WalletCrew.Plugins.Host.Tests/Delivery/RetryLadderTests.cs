using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class RetryLadderTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <summary>Svix's ladder, the default: the waits after attempts 1 to 7.</summary>
    private static readonly TimeSpan[] s_ladder =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    [Fact]
    public async Task FailingPartnerIsRetriedOnTheLadderThenDeadLetteredAndReplayDeliversTheSameEventId()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config("down"), time);

        var (status, body) = await host.IngestAsync("acme", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        await time.AdvanceToAsync(time.GetUtcNow(), () => AttemptsAre(host, eventId, 1), s_poll, "attempt 1 ran");

        for (var attempt = 1; attempt <= s_ladder.Length; attempt++)
        {
            var e = await host.GetJsonAsync($"api/admin/deliveries/{eventId}");
            e["status"]!.GetValue<string>().Should().Be("pending");
            e["lastError"]!.GetValue<string>().Should().Contain("The partner is unavailable.");
            var due = e["nextAttemptAt"]!.GetValue<DateTimeOffset>();
            // The attempt's own time, from its tenant log entry (the clock may have been nudged since).
            var attemptedAt = (await host.GetJsonAsync("api/admin/tenants/acme/logs?limit=1"))[0]!["at"]!.GetValue<DateTimeOffset>();
            var wait = due - attemptedAt;
            wait.Should().BeGreaterThanOrEqualTo(s_ladder[attempt - 1] * 0.8).And.BeLessThanOrEqualTo(s_ladder[attempt - 1] * 1.2,
                $"the wait after attempt {attempt} follows the ladder with ±20 % jitter");

            // Negative control: one second before it is due, nothing runs.
            await time.JumpAndSettleAsync(due - TimeSpan.FromSeconds(1));
            (await AttemptsAre(host, eventId, attempt)).Should().BeTrue($"attempt {attempt + 1} must wait for its time");

            await time.AdvanceToAsync(due, () => AttemptsAre(host, eventId, attempt + 1), s_poll, $"attempt {attempt + 1} ran");
        }

        var dead = await host.GetJsonAsync($"api/admin/deliveries/{eventId}");
        dead["status"]!.GetValue<string>().Should().Be("dead");
        dead["attempts"]!.GetValue<int>().Should().Be(8);
        (await host.GetJsonAsync("api/admin/dead-letters")).AsArray().Select(d => d!["eventId"]!.GetValue<string>()).Should().Equal(eventId);

        host.SetSecret("acme", "MODE", "ok");
        using var replay = await host.Client.PostAsync($"api/admin/deliveries/{eventId}/replay", null);
        replay.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await time.AdvanceToAsync(time.GetUtcNow(), async () => (await host.DeliveredAsync("acme")).Count == 1, s_poll, "the replay ran");

        (await host.DeliveredAsync("acme")).Should().Equal(new DeliveredLine(eventId, "P1", true, "apple", 1, 1, 9));
        var delivered = await host.GetJsonAsync($"api/admin/deliveries/{eventId}");
        delivered["status"]!.GetValue<string>().Should().Be("delivered");
        delivered["isReplay"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task ReplayByTimeRangeRequeuesOnlyDeadLettersReceivedInTheRange()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var config = Config("down");
        config["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:10";
        await using var host = await HostHarness.StartAsync(root, config, time);

        var early = (await host.IngestAsync("acme", "early")).Body["eventId"]!.GetValue<string>();
        time.Advance(TimeSpan.FromHours(1));
        var late = (await host.IngestAsync("acme", "late")).Body["eventId"]!.GetValue<string>();
        await time.AdvanceToAsync(time.GetUtcNow() + TimeSpan.FromSeconds(15),
            async () => (await host.GetJsonAsync("api/admin/dead-letters")).AsArray().Count == 2, s_poll, "both are dead after two attempts");

        host.SetSecret("acme", "MODE", "ok");
        var from = new DateTimeOffset(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);
        var (status, body) = await host.PostRawAsync("api/admin/replay", new JsonObject { ["from"] = from, ["tenantId"] = "acme" }.ToJsonString());

        status.Should().Be(HttpStatusCode.OK);
        body["replayed"]!.GetValue<int>().Should().Be(1);
        await time.AdvanceToAsync(time.GetUtcNow(), async () => (await host.DeliveredAsync("acme")).Count == 1, s_poll, "the replay ran");
        (await host.DeliveredAsync("acme")).Select(d => d.EventId).Should().Equal(late);
        (await host.GetJsonAsync($"api/admin/deliveries/{early}"))["status"]!.GetValue<string>().Should().Be("dead", "it was received before 'from'");
    }

    [Fact]
    public async Task ReplayOfAPendingEventIsAConflict()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config("down"), time);
        var eventId = (await host.IngestAsync("acme", "P1")).Body["eventId"]!.GetValue<string>();

        using var replay = await host.Client.PostAsync($"api/admin/deliveries/{eventId}/replay", null);
        using var unknown = await host.Client.PostAsync("api/admin/deliveries/evt_nope/replay", null);

        replay.StatusCode.Should().Be(HttpStatusCode.Conflict);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static Dictionary<string, string?> Config(string mode) => new()
    {
        ["WalletCrew:Tenants:acme:Secrets:MODE"] = mode,
        ["WalletCrew:Delivery:PollInterval"] = "00:00:01",
    };

    private static async Task<bool> AttemptsAre(HostHarness host, string eventId, int attempts) =>
        (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["attempts"]!.GetValue<int>() == attempts;
}
