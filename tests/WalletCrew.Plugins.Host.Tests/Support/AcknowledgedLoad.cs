using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// Ingest traffic for crash tests: every pass alternates install/uninstall, one change at a time, retrying while hosts are
/// down; an event counts as acknowledged only when a host answered 202 with <c>created</c>. Afterwards it checks that the
/// partner received every acknowledged event, each pass's events first in ingest order.
/// </summary>
internal sealed class AcknowledgedLoad(int passes, int eventsPerPass, int signalAfter)
{
    private readonly ConcurrentDictionary<string, List<string>> _acknowledged = new();
    private readonly TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    /// <summary>Gets a task that completes once <c>signalAfter</c> changes were answered (the moment to kill a host).</summary>
    public Task SignalReached => _signal.Task;

    /// <summary>Gets how many changes were answered with 202 so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Sends every pass's changes to the host <paramref name="hostOf"/> names for it at the time of each attempt.</summary>
    public async Task RunAsync(Func<string, Uri> hostOf)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
        await Task.WhenAll(Enumerable.Range(0, passes).Select(p => Task.Run(() => IngestPassAsync(client, $"P{p:000}", hostOf))));
    }

    /// <summary>Waits until the partner has every acknowledged event, then checks per-pass order and event ids.</summary>
    public async Task VerifyDeliveredAsync(PartnerStub partner, TimeSpan timeout)
    {
        var expected = _acknowledged.ToDictionary(p => p.Key, p => p.Value.ToList());
        var all = expected.SelectMany(p => p.Value).ToHashSet();
        all.Count.Should().BeGreaterThan(passes * eventsPerPass * 9 / 10, "most events are acknowledged");
        await HostHarness.WaitUntilAsync(
            () => partner.Requests.Select(r => JsonNode.Parse(r.Body)!["eventId"]!.GetValue<string>()).ToHashSet().IsSupersetOf(all),
            timeout, "every acknowledged event reached the partner");

        var calls = partner.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        foreach (var (passId, eventIds) in expected)
        {
            var firstDeliveries = calls.Where(c => c["passId"]!.GetValue<string>() == passId).Select(c => c["eventId"]!.GetValue<string>())
                .Where(all.Contains).Distinct().ToList();
            firstDeliveries.Should().Equal(eventIds, $"pass {passId}'s events arrive in ingest order (duplicates aside)");
        }

        // Every delivery, duplicates included, carries an id the store handed out.
        calls.Should().OnlyContain(c => c["eventId"]!.GetValue<string>().StartsWith("evt_", StringComparison.Ordinal));
    }

    private async Task IngestPassAsync(HttpClient client, string passId, Func<string, Uri> hostOf)
    {
        var acked = _acknowledged.GetOrAdd(passId, _ => []);
        var installed = true;
        for (var i = 0; i < eventsPerPass; i++)
        {
            for (var attempt = 0; ; attempt++)
            {
                attempt.Should().BeLessThan(200, "ingest must come back after a host is killed");
                try
                {
                    using var response = await client.PostAsJsonAsync(new Uri(hostOf(passId), $"api/tenants/acme/passes/{passId}/installations"),
                        new { device = "apple", installed, passType = "loyalty", identifiers = new { customerId = passId } });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                        if (body["created"]!.GetValue<bool>())
                        {
                            acked.Add(body["eventId"]!.GetValue<string>());
                        }

                        if (Interlocked.Increment(ref _answered) == signalAfter)
                        {
                            _signal.TrySetResult();
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
}
