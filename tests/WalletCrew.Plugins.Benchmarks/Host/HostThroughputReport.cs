using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>-- host [events] [concurrency]</c>: the host end to end, in process. A <see cref="PartnerStub"/> (Kestrel on 127.0.0.1)
/// counts the requests it receives with a timestamp each; the host runs on SQLite in a temp folder with <see cref="TenantCount"/>
/// copies of acme-crm whose hook POSTs to the stub with <c>fetch</c>; the <see cref="LoadGenerator"/> POSTs ingest requests. Prints
/// ingest req/s, ingest latency p50/p99/max, delivered events/s (first ingest → last delivery), CPU time and allocated bytes per event.
/// </summary>
internal static class HostThroughputReport
{
    private const int TenantCount = 4;
    private const string Key = "bench-key-0123456789abcdef";

    public static int Run(string[] args)
    {
        var events = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var e) ? e : 5000;
        var concurrency = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var c) ? c : 16;
        // Further `--WalletCrew:…=…` arguments go to the host, e.g. `--WalletCrew:Store:Synchronous=NORMAL`.
        var extra = args.Skip(1).Where(a => a.StartsWith("--WalletCrew:", StringComparison.Ordinal)).ToArray();
        return RunAsync(events, Math.Min(concurrency, LoadGenerator.PassCount), extra).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int events, int concurrency, string[] extra)
    {
        using var folders = new TenantFolders();
        var stubPort = LoopbackPorts.Free();
        var hostUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        var tenants = Enumerable.Range(1, TenantCount).Select(i => $"bench-{i}").ToArray();
        var tenantsRoot = Path.Combine(folders.Root, "tenants");
        await WriteTenantsAsync(tenantsRoot, tenants, stubPort).ConfigureAwait(false);

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
        var settings = new HostSettings { TenantsRoot = tenantsRoot, Urls = hostUrl.GetLeftPart(UriPartial.Authority), Store = "sqlite:" + Path.Combine(folders.Root, "wcp.db"), AllowLoopback = true };
        var host = WalletCrewHost.RunAsync(settings, [.. hostArgs], stop.Token);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        try
        {
            await WarmUpAsync(http, hostUrl, host, stub, tenants).ConfigureAwait(false);
            var measured = await LoadGenerator.MeasureAsync(http, hostUrl, stub, tenants, events, concurrency).ConfigureAwait(false);
            var uptime = (await File.ReadAllTextAsync("/proc/loadavg").ConfigureAwait(false)).Split(' ')[..3];
            Console.WriteLine($"load average at the end: {string.Join(' ', uptime)}; {Environment.ProcessorCount} CPUs; host in process on SQLite, {TenantCount} tenants, {LoadGenerator.PassCount} passes; host arguments: {(extra.Length == 0 ? "defaults (synchronous=FULL)" : string.Join(' ', extra))}");
            Console.WriteLine();
            Console.WriteLine(LoadGenerator.TableHeader);
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

    private static async Task WriteTenantsAsync(string tenantsRoot, string[] tenants, int stubPort)
    {
        var source = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SampleTenants, "acme-crm", "server", "script", "passInstallation.csx")).ConfigureAwait(false);
        foreach (var tenant in tenants)
        {
            var script = Path.Combine(tenantsRoot, tenant, "server", "script", "passInstallation.csx");
            Directory.CreateDirectory(Path.GetDirectoryName(script)!);
            await File.WriteAllTextAsync(script, source.Replace("https://partner.example", $"http://127.0.0.1:{stubPort}", StringComparison.Ordinal)).ConfigureAwait(false);
        }
    }

    // One install per tenant, retried until the tenants are loaded (404 before), then delivered.
    private static async Task WarmUpAsync(HttpClient http, Uri hostUrl, Task host, PartnerStub stub, string[] tenants)
    {
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

                var (status, created) = await LoadGenerator.TryIngestAsync(http, hostUrl, tenant, "warmup", installed: true).ConfigureAwait(false);
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

        if (!await stub.WaitForAsync(warmup, LoadGenerator.DeliveryLimit).ConfigureAwait(false))
        {
            throw new TimeoutException($"The warm-up events were not delivered ({stub.Count} of {warmup}).");
        }
    }
}
