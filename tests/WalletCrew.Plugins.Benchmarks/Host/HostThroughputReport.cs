using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>-- host [events] [concurrency]</c>: the host end to end, in process. A partner stub (Kestrel on 127.0.0.1) counts the
/// requests it receives with a timestamp each; the host runs on SQLite in a temp folder with <see cref="TenantCount"/> copies of
/// acme-crm whose hook POSTs to the stub with <c>fetch</c>; a bounded load generator (HttpClient, <c>concurrency</c> senders)
/// POSTs ingest requests, alternating install/uninstall per pass so each is a state transition. Prints ingest req/s, ingest
/// latency p50/p99/max, delivered events/s (first ingest → last delivery), CPU time and allocated bytes per event.
/// </summary>
internal static class HostThroughputReport
{
    private const int TenantCount = 4;
    private const int PassCount = 200;
    private const string Key = "bench-key-0123456789abcdef";
    private static readonly TimeSpan IngestLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DeliveryLimit = TimeSpan.FromMinutes(3);

    public static int Run(string[] args)
    {
        var events = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var e) ? e : 5000;
        var concurrency = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var c) ? c : 16;
        // Further `--WalletCrew:…=…` arguments go to the host, e.g. `--WalletCrew:Store:Synchronous=NORMAL`.
        var extra = args.Skip(1).Where(a => a.StartsWith("--WalletCrew:", StringComparison.Ordinal)).ToArray();
        return RunAsync(events, Math.Min(concurrency, PassCount), extra).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int events, int concurrency, string[] extra)
    {
        using var folders = new TenantFolders();
        var stubPort = FreePort();
        var hostUrl = $"http://127.0.0.1:{FreePort()}";
        var tenants = Enumerable.Range(1, TenantCount).Select(i => $"bench-{i}").ToArray();
        var tenantsRoot = Path.Combine(folders.Root, "tenants");
        foreach (var tenant in tenants)
        {
            var script = Path.Combine(tenantsRoot, tenant, "server", "script", "passInstallation.csx");
            Directory.CreateDirectory(Path.GetDirectoryName(script)!);
            var source = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SampleTenants, "acme-crm", "server", "script", "passInstallation.csx")).ConfigureAwait(false);
            await File.WriteAllTextAsync(script, source.Replace("https://partner.example", $"http://127.0.0.1:{stubPort}", StringComparison.Ordinal)).ConfigureAwait(false);
        }

        var stub = new PartnerStub(events + 1000);
        var stubApp = stub.Build(stubPort);
        await stubApp.StartAsync().ConfigureAwait(false);

        var hostArgs = new List<string>
        {
            "--WalletCrew:ApiKeys:0=" + Key,
            "--WalletCrew:Engine:CompileCacheDirectory=off",
            "--WalletCrew:Engine:HotReload=false",
            // One console line per delivery would measure the console, not the host.
            "--Logging:LogLevel:Default=Warning",
        };
        hostArgs.AddRange(tenants.Select(t => $"--WalletCrew:Tenants:{t}:Secrets:PARTNER-API-SECRET=bench-secret"));
        hostArgs.AddRange(extra);
        using var stop = new CancellationTokenSource();
        var settings = new HostSettings { TenantsRoot = tenantsRoot, Urls = hostUrl, Store = "sqlite:" + Path.Combine(folders.Root, "wcp.db"), AllowLoopback = true };
        var host = WalletCrewHost.RunAsync(settings, [.. hostArgs], stop.Token);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(hostUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        try
        {
            // Warm-up: one install per tenant, retried until the tenants are loaded (404 before), then delivered.
            var warmup = 0;
            foreach (var tenant in tenants)
            {
                var started = Stopwatch.GetTimestamp();
                while (true)
                {
                    if (host.IsCompleted)
                    {
                        await host.ConfigureAwait(false);
                        throw new InvalidOperationException("The host stopped during warm-up.");
                    }

                    var (status, created) = await TryIngestAsync(http, tenant, "warmup", installed: true).ConfigureAwait(false);
                    if (status == HttpStatusCode.Accepted)
                    {
                        warmup += created ? 1 : 0;
                        break;
                    }

                    if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(3))
                    {
                        throw new TimeoutException($"Tenant {tenant} did not accept an event within 3 minutes (last status {status}).");
                    }

                    await Task.Delay(100).ConfigureAwait(false);
                }
            }

            if (!await stub.WaitForAsync(warmup, DeliveryLimit).ConfigureAwait(false))
            {
                throw new TimeoutException($"The warm-up events were not delivered ({stub.Count} of {warmup}).");
            }

            var measured = await MeasureAsync(http, stub, tenants, events, concurrency).ConfigureAwait(false);
            var uptime = (await File.ReadAllTextAsync("/proc/loadavg").ConfigureAwait(false)).Split(' ')[..3];
            Console.WriteLine($"load average at the end: {string.Join(' ', uptime)}; {Environment.ProcessorCount} CPUs; host in process on SQLite, {TenantCount} tenants, {PassCount} passes; host arguments: {(extra.Length == 0 ? "defaults (synchronous=FULL)" : string.Join(' ', extra))}");
            Console.WriteLine();
            Console.WriteLine("| events | concurrency | ingest req/s | ingest p50 (ms) | ingest p99 (ms) | ingest max (ms) | delivered events/s | end to end (s) | CPU per event (µs) | allocated per event (KB) |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(measured);
            return 0;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await host.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                Console.Error.WriteLine("host stop: " + ex.Message);
            }

            await stubApp.StopAsync().ConfigureAwait(false);
            await stubApp.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<string> MeasureAsync(HttpClient http, PartnerStub stub, string[] tenants, int events, int concurrency)
    {
        // A pass is never in flight twice: a sender takes a pass from the queue, sends its next transition, puts it back.
        var passes = new ConcurrentQueue<(int Pass, int Next)>(Enumerable.Range(0, PassCount).Select(p => (p, 0)));
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
                (int Pass, int Next) item;
                while (!passes.TryDequeue(out item))
                {
                    await Task.Yield();
                }

                var began = Stopwatch.GetTimestamp();
                var (status, isNew) = await TryIngestAsync(http, tenants[item.Pass % tenants.Length], $"P{item.Pass:D4}", installed: item.Next % 2 == 0).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                passes.Enqueue((item.Pass, item.Next + 1));
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

    private static async Task<(HttpStatusCode? Status, bool Created)> TryIngestAsync(HttpClient http, string tenant, string pass, bool installed)
    {
        var body = $$$"""{"device":"apple","installed":{{{(installed ? "true" : "false")}}},"passType":"loyalty","identifiers":{"customerId":"C-{{{pass}}}"}}""";
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri($"/api/tenants/{tenant}/passes/{pass}/installations", UriKind.Relative), content).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return (response.StatusCode, text.Contains("\"created\":true", StringComparison.Ordinal));
        }
        catch (HttpRequestException)
        {
            return (null, false);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The partner: answers 200 to every POST and keeps a count and the time of the last request.</summary>
    private sealed class PartnerStub(int capacity)
    {
        private readonly long[] timestamps = new long[capacity];
        private int count;

        public int Count => Volatile.Read(ref count);

        public long LastTimestamp => timestamps.Take(Math.Min(Count, timestamps.Length)).DefaultIfEmpty(Stopwatch.GetTimestamp()).Max();

        public WebApplication Build(int port)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            app.MapPost("/wallet/installation", () =>
            {
                var index = Interlocked.Increment(ref count) - 1;
                if (index < timestamps.Length)
                {
                    timestamps[index] = Stopwatch.GetTimestamp();
                }

                return Results.Ok();
            });
            return app;
        }

        public async Task<bool> WaitForAsync(int expected, TimeSpan patience)
        {
            var started = Stopwatch.GetTimestamp();
            while (Count < expected)
            {
                if (Stopwatch.GetElapsedTime(started) > patience)
                {
                    return false;
                }

                await Task.Delay(5).ConfigureAwait(false);
            }

            return true;
        }
    }
}
