using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class CrashRecoveryTests
{
    private const int Passes = 100;
    private const int EventsPerPass = 20;
    private const int KillAfterAcknowledged = 800;

    [Fact]
    public async Task EveryAcknowledgedEventIsDeliveredInPassOrderAfterASigkillMidStream()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        string[] config = ["--WalletCrew:Delivery:LeaseDuration=00:00:05", "--WalletCrew:Engine:InvocationTimeout=00:00:02"];
        var host = await HostProcess.StartAsync(root, config);
        var baseAddress = host.BaseAddress;
        var acknowledged = new ConcurrentDictionary<string, List<string>>();
        var acknowledgedCount = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);

        async Task IngestPassAsync(string passId)
        {
            var acked = acknowledged.GetOrAdd(passId, _ => []);
            var installed = true;
            for (var i = 0; i < EventsPerPass; i++)
            {
                for (var attempt = 0; ; attempt++)
                {
                    attempt.Should().BeLessThan(200, "ingest must come back after the restart");
                    try
                    {
                        using var response = await client.PostAsJsonAsync(new Uri(Volatile.Read(ref baseAddress), $"api/tenants/acme/passes/{passId}/installations"),
                            new { device = "apple", installed, passType = "loyalty", identifiers = new { customerId = passId } });
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                            if (body["created"]!.GetValue<bool>())
                            {
                                acked.Add(body["eventId"]!.GetValue<string>());
                            }

                            if (Interlocked.Increment(ref acknowledgedCount) == KillAfterAcknowledged)
                            {
                                killed.TrySetResult();
                            }

                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The host is down (killed): the outcome of this request is unknown, so it is not counted.
                    }
                    catch (TaskCanceledException)
                    {
                        // Same.
                    }

                    await Task.Delay(50);
                }

                installed = !installed;
            }
        }

        var ingest = Task.WhenAll(Enumerable.Range(0, Passes).Select(p => Task.Run(() => IngestPassAsync($"P{p:000}"))));
        await Task.WhenAny(killed.Task, ingest);
        host.Kill();
        var deliveredBeforeKill = partner.Requests.Count;
        var acknowledgedBeforeKill = Volatile.Read(ref acknowledgedCount);
        ingest.IsCompleted.Should().BeFalse("the kill must hit while ingest is still running");
        using (host)
        {
        }

        using var restarted = await HostProcess.StartAsync(root, config);
        Volatile.Write(ref baseAddress, restarted.BaseAddress);
        await ingest;

        var expected = acknowledged.ToDictionary(p => p.Key, p => p.Value.ToList());
        var all = expected.SelectMany(p => p.Value).ToHashSet();
        all.Count.Should().BeGreaterThan(Passes * EventsPerPass * 9 / 10, "most events are acknowledged");
        await HostHarness.WaitUntilAsync(
            () => partner.Requests.Select(EventIdOf).ToHashSet().IsSupersetOf(all),
            TimeSpan.FromSeconds(120), "every acknowledged event reached the partner");

        deliveredBeforeKill.Should().BeGreaterThan(0, "the kill hit while deliveries were flowing");
        deliveredBeforeKill.Should().BeLessThan(acknowledgedBeforeKill, "acknowledged events were still waiting for delivery at the kill");
        var calls = partner.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        foreach (var (passId, eventIds) in expected)
        {
            var firstDeliveries = calls.Where(c => c["passId"]!.GetValue<string>() == passId).Select(c => c["eventId"]!.GetValue<string>())
                .Where(all.Contains).Distinct().ToList();
            firstDeliveries.Should().Equal(eventIds, $"pass {passId}'s events arrive in ingest order (duplicates aside)");
        }

        // Every delivery, duplicates included, carries an id the store handed out for that pass.
        calls.Should().OnlyContain(c => c["eventId"]!.GetValue<string>().StartsWith("evt_", StringComparison.Ordinal));
    }

    private static string EventIdOf(RecordedRequest request) => JsonNode.Parse(request.Body)!["eventId"]!.GetValue<string>();
}
