using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Ingestion;

public sealed class StoreFailureTests
{
    [Fact]
    public async Task AStoreFailureAnswers503SoTheCallerRetriesAndTheRetryIsDelivered()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var store = new FlakyStore(new SqliteEventStore(new SqliteStoreOptions(root.DatabasePath, "FULL")));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" },
            services: s => s.AddSingleton<IEventStore>(store));

        store.FailIngest = true;
        var (failed, problem) = await host.IngestAsync("acme", "P1");
        using var raw = await host.Client.PostAsync("api/tenants/acme/passes/P1/installations", new StringContent(
            """{"device":"apple","installed":true,"passType":"loyalty"}""", System.Text.Encoding.UTF8, "application/json"));
        store.FailIngest = false;
        var (retried, body) = await host.IngestAsync("acme", "P1");

        failed.Should().Be(HttpStatusCode.ServiceUnavailable);
        problem["detail"]!.GetValue<string>().Should().Be("Nothing was stored; retry the request.");
        problem.ToJsonString().Should().NotContain("disk I/O error");
        raw.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        retried.Should().Be(HttpStatusCode.Accepted);
        body["created"]!.GetValue<bool>().Should().BeTrue("the failed call left no state behind");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 1, TimeSpan.FromSeconds(30), "the retried event ran");
    }

    [Fact]
    public async Task AFailedGroupCommitAnswers503AndTheRetryIsStoredAndDelivered()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var store = new SqliteEventStore(new SqliteStoreOptions(root.DatabasePath, "FULL"));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" },
            services: s => s.AddSingleton<IEventStore>(store));

        store.Writer.BeforeCommit = _ => throw new IOException("disk I/O error");
        var (failed, problem) = await host.IngestAsync("acme", "P1");
        store.Writer.BeforeCommit = null;
        var (retried, body) = await host.IngestAsync("acme", "P1");

        failed.Should().Be(HttpStatusCode.ServiceUnavailable);
        problem["detail"]!.GetValue<string>().Should().Be("Nothing was stored; retry the request.");
        retried.Should().Be(HttpStatusCode.Accepted);
        body["created"]!.GetValue<bool>().Should().BeTrue("the failed batch left no state behind");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 1, TimeSpan.FromSeconds(30), "the retried event ran");
    }
}
