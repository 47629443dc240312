using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Ingestion;

/// <summary>The host's PostgreSQL connections: while the database is unreachable the host answers 503 (nothing stored, retry); when it is back, the host serves and delivers again without a restart.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task DuringAnOutageIngestAnswers503AndAfterItEveryAcknowledgedEventIsDelivered()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" }, store: database.Store);
        var before = await host.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 1, TimeSpan.FromSeconds(30), "the first event was delivered");

        await database.SetReachableAsync(false);
        var during = await host.IngestAsync("acme", "P2");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using var notReady = await anonymous.GetAsync("health/ready");
        using var alive = await anonymous.GetAsync("health");
        await database.SetReachableAsync(true);
        await HostHarness.WaitUntilAsync(async () => (await anonymous.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "the host reported ready again");
        var after = await HostHarness.IngestUntilAcceptedAsync(host, "acme", "P2");

        before.Status.Should().Be(HttpStatusCode.Accepted);
        during.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        during.Body["detail"]!.GetValue<string>().Should().Be("Nothing was stored; retry the request.");
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "readiness follows the store, without a key");
        (await notReady.Content.ReadAsStringAsync()).Should().Contain("cannot reach its event store").And.NotContain("Npgsql");
        alive.StatusCode.Should().Be(HttpStatusCode.OK, "liveness does not depend on the store");
        after["created"]!.GetValue<bool>().Should().BeTrue("the refused request stored nothing");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 2, TimeSpan.FromSeconds(30), "the event accepted after the outage was delivered");
        (await host.DeliveredAsync("acme")).Select(d => d.PassId).Should().Equal("P1", "P2");
    }

    [Fact]
    public async Task AStoppedHostClosesItsDatabaseConnections()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" }, store: database.Store);
        await host.IngestAsync("acme", "P1");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 1, TimeSpan.FromSeconds(30), "the event was delivered");
        var whileRunning = await database.CountSessionsAsync();

        await host.DisposeAsync();

        whileRunning.Should().BeGreaterThan(0, "the running host holds pooled connections (control)");
        await HostHarness.WaitUntilAsync(async () => await database.CountSessionsAsync() == 0, TimeSpan.FromSeconds(10), "the stopped host's connections were closed");
    }
}
