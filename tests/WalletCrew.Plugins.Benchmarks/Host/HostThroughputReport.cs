using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>-- host [events] [concurrency] [--store sqlite|postgres] [--hosts 1|2] [--postgres "…"]</c>: the host end to end, in process.
/// A <see cref="PartnerStub"/> (Kestrel on 127.0.0.1) counts the requests it receives with a timestamp each; one or two hosts run
/// on SQLite in a temp folder or on a fresh PostgreSQL database (<see cref="PostgresBenchDatabase"/>), over one tenants folder with
/// <see cref="TenantCount"/> copies of acme-crm whose hook POSTs to the stub with <c>fetch</c>; the <see cref="LoadGenerator"/>
/// POSTs ingest requests. Prints ingest req/s, ingest latency p50/p99/max, delivered events/s (first ingest → last delivery), CPU
/// time and allocated bytes per event.
/// </summary>
internal static class HostThroughputReport
{
    private const int TenantCount = 4;
    private const string Key = "bench-key-0123456789abcdef";

    public static int Run(string[] args)
    {
        var options = HostBenchOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        return RunAsync(options with { Concurrency = Math.Min(options.Concurrency, PassRotation.Count) }).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(HostBenchOptions options)
    {
        using var folders = new TenantFolders();
        var stubPort = LoopbackPorts.Free();
        var tenants = Enumerable.Range(1, TenantCount).Select(i => $"bench-{i}").ToArray();
        var tenantsRoot = Path.Combine(folders.Root, "tenants");
        await WriteTenantsAsync(tenantsRoot, tenants, stubPort).ConfigureAwait(false);

        var stub = new PartnerStub(options.Events + options.WarmUpEvents + 1000, TimeSpan.FromMilliseconds(options.PartnerLatencyMs));
        var stubApp = stub.Build(stubPort);
        await stubApp.StartAsync().ConfigureAwait(false);
        var database = options.Postgres ? await PostgresBenchDatabase.CreateAsync(options.PostgresServer).ConfigureAwait(false) : null;
        try
        {
            var store = database is null ? "sqlite:" + Path.Combine(folders.Root, "wcp.db") : "postgres:" + database.ConnectionString;
            var settings = Enumerable.Range(0, options.Hosts)
                .Select(_ => new HostSettings { TenantsRoot = tenantsRoot, Urls = $"http://127.0.0.1:{LoopbackPorts.Free()}", Store = store, AllowLoopback = true })
                .ToArray();
            return await RunHostsAsync(options, settings, tenants, stub, stubPort, database).ConfigureAwait(false);
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync().ConfigureAwait(false);
            }

            await stubApp.StopAsync().ConfigureAwait(false);
            await stubApp.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> RunHostsAsync(HostBenchOptions options, HostSettings[] settings, string[] tenants, PartnerStub stub, int stubPort, PostgresBenchDatabase? database)
    {
        PostgresActivity? activity = null;
        var hostArgs = new List<string>
        {
            "--WalletCrew:ApiKeys:0:Key=" + Key,
            "--WalletCrew:ApiKeys:0:Scopes=platform,admin",
            "--WalletCrew:Engine:CompileCacheDirectory=off",
            "--WalletCrew:Engine:HotReload=false",
            // One console line per delivery would measure the console, not the host.
            "--Logging:LogLevel:Default=Warning",
        };
        hostArgs.AddRange(tenants.Select(t => $"--WalletCrew:Tenants:{t}:Secrets:PARTNER-API-SECRET=bench-secret"));
        hostArgs.AddRange(options.HostArguments);
        using var stop = new CancellationTokenSource();
        var children = options.HostProcess ? settings.Select(s => HostProcess.Start(s, hostArgs)).ToArray() : [];
        using var stopChildren = stop.Token.Register(() => Array.ForEach(children, c => c.Stop()));
        var hosts = options.HostProcess ? children.Select(c => c.Exited).ToArray() : settings.Select(s => WalletCrewHost.RunAsync(s, [.. hostArgs], stop.Token)).ToArray();
        var urls = settings.Select(s => new Uri(s.Urls!)).ToArray();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.CompletedTask;
        string loadBefore, measured, separate = string.Empty, bound;
        try
        {
            await WarmUpAsync(http, urls, hosts, stub, tenants).ConfigureAwait(false);
            if (options.WarmUpEvents > 0)
            {
                // The same load, not measured: the hosts' methods reach their optimised tier before the figures start.
                await LoadGenerator.MeasureAsync(http, urls, stub, tenants, options.WarmUpEvents, options.Concurrency).ConfigureAwait(false);
            }

            await AttachWaitAsync(options, children, "warmed up; measuring").ConfigureAwait(false);
            loadBefore = await LoadAverageAsync().ConfigureAwait(false);
            // The server's counters from here on: the measured events only, not the hosts' start nor the warm-up.
            activity = database is null ? null : await PostgresActivity.StartAsync(database).ConfigureAwait(false);
            sampler = activity?.SampleAsync(sampling.Token) ?? Task.CompletedTask;
            var marks = await Task.WhenAll(children.Select(c => c.MarkAsync())).ConfigureAwait(false);
            var deliveredBefore = stub.Count;
            var deliveredAt = Stopwatch.GetTimestamp();
            measured = await LoadGenerator.MeasureAsync(http, urls, stub, tenants, options.Events, options.Concurrency).ConfigureAwait(false);
            var delivered = (stub.Count - deliveredBefore) / Stopwatch.GetElapsedTime(deliveredAt, stub.LastTimestamp).TotalSeconds;
            if (children.Length > 0)
            {
                var ends = await Task.WhenAll(children.Select(c => c.MarkAsync())).ConfigureAwait(false);
                var events = (double)(stub.Count - deliveredBefore);
                var cpu = ends.Zip(marks).Sum(p => (p.First.Cpu - p.Second.Cpu).TotalMicroseconds) / events;
                var allocated = ends.Zip(marks).Sum(p => p.First.Allocated - p.Second.Allocated) / 1024.0 / events;
                var commits = ends.Zip(marks).Sum(p => p.First.Commits - p.Second.Commits);
                var writes = ends.Zip(marks).Sum(p => p.First.Writes - p.Second.Writes);
                var checkpoints = ends.Zip(marks).Sum(p => p.First.Checkpoints - p.Second.Checkpoints);
                // With SQLite and synchronous=FULL a commit flushes the log once, and a checkpoint the log and the file.
                var flushes = options.SqliteFlushesEveryCommit
                    ? string.Create(CultureInfo.InvariantCulture, $", {checkpoints / events:N3} checkpoints per event, {(commits + 2.0 * checkpoints) / events:N2} fsyncs per event")
                    : "";
                separate = string.Create(
                    CultureInfo.InvariantCulture,
                    $"host process(es) alone (PID {string.Join(", ", children.Select(c => c.Id))}): CPU per event {cpu:N0} µs, allocated per event {allocated:N1} KB; "
                    + $"group commit: {commits / events:N2} commits per event, {writes / Math.Max(commits, 1.0):N1} writes per commit{flushes}; the table's CPU and allocated columns are this process's: the load generator and the stub");
                await AttachWaitAsync(options, children, "measured; stopping the hosts").ConfigureAwait(false);
            }

            // The same senders against the stub alone, right after, in the same run: what two loopback exchanges per event allow.
            var exchanges = await LoadGenerator.MeasureBareExchangesAsync(http, new Uri($"http://127.0.0.1:{stubPort}"), 2 * options.Events, options.Concurrency).ConfigureAwait(false);
            bound = string.Create(
                CultureInfo.InvariantCulture,
                $"physical bound (same senders, the stub alone, no host): {exchanges:N0} bare loopback exchanges/s = {exchanges / 2:N0} events/s at two exchanges per event; delivered {delivered:N0} events/s = {delivered / (exchanges / 2):P0} of it");        }
        finally
        {
            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(hosts).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                Console.Error.WriteLine("host stop: " + ex.Message);
            }

            Array.ForEach(children, c => c.Dispose());
        }

        var arguments = options.HostArguments.Length > 0 ? string.Join(' ', options.HostArguments) : options.Postgres ? "defaults" : "defaults (synchronous=FULL)";
        Console.WriteLine(
            $"{options.Configuration}{(options.Hosts > 1 ? " (a pass always enters through the same host)" : string.Empty)}; " +
            $"store: {database?.Description ?? "SQLite in a temp folder"}; load average at the start {loadBefore}, at the end " +
            $"{await LoadAverageAsync().ConfigureAwait(false)}; {Environment.ProcessorCount} CPUs; hosts {(options.HostProcess ? "in child processes" : "in process")}, {TenantCount} tenants, " +
            $"{PassRotation.Count} passes; partner latency {options.PartnerLatencyMs} ms; {options.WarmUpEvents:N0} warm-up events before measuring; host arguments: {arguments}");
        if (activity is not null)
        {
            Console.WriteLine(await activity.FinishAsync(options.Events).ConfigureAwait(false));
        }

        if (separate.Length > 0)
        {
            Console.WriteLine(separate);
        }

        Console.WriteLine(bound);

        Console.WriteLine();
        Console.WriteLine(LoadGenerator.TableHeader);
        Console.WriteLine(measured);
        return 0;
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

    // One install per tenant through every host, retried until that host has loaded the tenants (404 before), then delivered.
    private static async Task WarmUpAsync(HttpClient http, Uri[] urls, Task[] hosts, PartnerStub stub, string[] tenants)
    {
        var warmup = 0;
        foreach (var url in urls)
        {
            foreach (var tenant in tenants)
            {
                var started = Stopwatch.GetTimestamp();
                while (true)
                {
                    if (hosts.FirstOrDefault(h => h.IsCompleted) is { } stopped)
                    {
                        await stopped.ConfigureAwait(false);
                        throw new InvalidOperationException("A host stopped during warm-up.");
                    }

                    var (status, created) = await LoadGenerator.TryIngestAsync(http, url, tenant, "warmup", installed: true).ConfigureAwait(false);
                    if (status == HttpStatusCode.Accepted)
                    {
                        warmup += created ? 1 : 0;
                        break;
                    }

                    if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(3))
                    {
                        throw new TimeoutException($"Tenant {tenant} did not accept an event at {url} within 3 minutes (last status {status}).");
                    }

                    await Task.Delay(100).ConfigureAwait(false);
                }
            }
        }

        if (!await stub.WaitForAsync(warmup, LoadGenerator.DeliveryLimit).ConfigureAwait(false))
        {
            throw new TimeoutException($"The warm-up events were not delivered ({stub.Count} of {warmup}).");
        }
    }

    // With --attach-wait, says which PIDs to attach a profiler to (or to stop it on) and gives it the time to.
    private static async Task AttachWaitAsync(HostBenchOptions options, HostProcess[] children, string what)
    {
        if (options.AttachWaitSeconds > 0)
        {
            Console.WriteLine($"host process PID {string.Join(' ', children.Select(c => c.Id))} {what} in {options.AttachWaitSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.AttachWaitSeconds)).ConfigureAwait(false);
        }
    }

    private static async Task<string> LoadAverageAsync() =>
        string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg").ConfigureAwait(false)).Split(' ')[..3]);
}
