using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// The bounded load: <c>concurrency</c> senders POST <c>events</c> ingest requests over <see cref="PassRotation"/>'s passes spread over
/// the tenants, alternating install/uninstall per pass so each is a state transition, then wait for the stub to receive every
/// event. With several hosts a pass always goes to the same one (<see cref="HostOf"/>). Returns one Markdown row of the report's table.
/// </summary>
internal static class LoadGenerator
{
    public const string TableHeader = """
        | events | concurrency | ingest req/s | ingest p50 (ms) | ingest p99 (ms) | ingest max (ms) | delivered events/s | end to end (s) | CPU per event (µs) | allocated per event (KB) |
        |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """;

    public static readonly TimeSpan DeliveryLimit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan IngestLimit = TimeSpan.FromMinutes(5);

    public static async Task<string> MeasureAsync(HttpClient http, Uri[] hosts, PartnerStub stub, string[] tenants, int events, int concurrency)
    {
        var passes = new PassRotation();
        var latencies = new ConcurrentBag<double>();
        var sent = 0;
        var created = 0;
        var failures = 0;
        using var limit = new CancellationTokenSource(IngestLimit);
        var deliveredBefore = stub.Count;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var start = Stopwatch.GetTimestamp();

        async Task SenderAsync()
        {
            while (!limit.IsCancellationRequested && Interlocked.Increment(ref sent) <= events)
            {
                var (pass, installed) = await passes.TakeAsync().ConfigureAwait(false);
                var began = Stopwatch.GetTimestamp();
                var (status, isNew) = await TryIngestAsync(http, HostOf(hosts, tenants.Length, pass), tenants[pass % tenants.Length], $"P{pass:D4}", installed).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                passes.Return(pass);
                if (status != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failures);
                }
                else if (isNew)
                {
                    Interlocked.Increment(ref created);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(SenderAsync))).ConfigureAwait(false);
        var ingestSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var delivered = await stub.WaitForAsync(deliveredBefore + created, DeliveryLimit).ConfigureAwait(false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var lastDelivery = stub.LastTimestamp;
        var endToEnd = Stopwatch.GetElapsedTime(start, lastDelivery).TotalSeconds;
        if (failures > 0 || !delivered || limit.IsCancellationRequested)
        {
            Console.Error.WriteLine($"warning: {failures} ingest failures; delivered {stub.Count - deliveredBefore} of {created}; ingest time limit hit: {limit.IsCancellationRequested}");
        }

        var sorted = latencies.Order().ToArray();
        var requests = sorted.Length;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {created:N0} | {concurrency} | {requests / ingestSeconds:N0} | {Percentile(sorted, 0.50):0.0} | {Percentile(sorted, 0.99):0.0} | {sorted[^1]:0.0} | {(stub.Count - deliveredBefore) / endToEnd:N0} | {endToEnd:0.00} | {cpu.TotalMicroseconds / created:N0} | {allocated / 1024.0 / created:N1} |");
    }

    /// <summary>
    /// The physical bound under the same load: <paramref name="requests"/> bare POSTs from <paramref name="concurrency"/> senders
    /// straight to the stub (no host), as exchanges per second. An event costs two such exchanges (ingest, then the hook's call).
    /// </summary>
    public static async Task<double> MeasureBareExchangesAsync(HttpClient http, Uri stub, int requests, int concurrency)
    {
        var sent = 0;
        var failures = 0;
        var target = new Uri(stub, "/bare");
        var start = Stopwatch.GetTimestamp();

        async Task SenderAsync()
        {
            while (Interlocked.Increment(ref sent) <= requests)
            {
                using var content = new StringContent("customerId=C-P0001&installed=true", Encoding.UTF8, "application/x-www-form-urlencoded");
                using var response = await http.PostAsync(target, content).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(SenderAsync))).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (failures > 0)
        {
            Console.Error.WriteLine($"warning: {failures} bare exchanges failed");
        }

        return requests / seconds;
    }

    /// <summary>POSTs one install or uninstall of <paramref name="pass"/>; null status when the host could not be reached.</summary>
    public static async Task<(HttpStatusCode? Status, bool Created)> TryIngestAsync(HttpClient http, Uri host, string tenant, string pass, bool installed)
    {
        var body = $$$"""{"device":"apple","installed":{{{(installed ? "true" : "false")}}},"passType":"loyalty","identifiers":{"customerId":"C-{{{pass}}}"}}""";
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(host, $"/api/tenants/{tenant}/passes/{pass}/installations"), content).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return (response.StatusCode, text.Contains("\"created\":true", StringComparison.Ordinal));
        }
        catch (HttpRequestException)
        {
            return (null, false);
        }
    }

    /// <summary>
    /// Pass <c>p</c> belongs to tenant <c>p % tenants</c> and to host <c>(p / tenants) % hosts</c>: every host sees every tenant and
    /// an equal share of the passes, and a pass's events all enter through one host, as behind a load balancer with affinity.
    /// </summary>
    public static Uri HostOf(Uri[] hosts, int tenantCount, int pass) => hosts[pass / tenantCount % hosts.Length];

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
