using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Benchmarks.Sandbox;

/// <summary>
/// <c>-- sandbox [starts] [calls]</c>: the sandboxed workers as a plain program (process starts, RSS and a runaway's core are
/// not per-call figures): worker cold start, fresh and from a spare started before (in turns, in one run), RSS per idle worker
/// and per idle spare, how long a runaway tenant holds a core after its deadline,
/// a noisy-neighbour run (one tenant spinning into its deadline again and again, another at steady load: the victim's
/// p50/p99 beside its solo run), and the same beside a tenant whose threads spin while its calls keep its worker busy, with
/// the workers' CPU cap and without. Prints Markdown.
/// </summary>
internal static class SandboxReport
{
    private const string Quiet = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
        """;

    private const string Spinning = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId =>
        {
            System.Text.RegularExpressions.Regex.IsMatch(new string('a', 64) + "!", "^(a+)+$", System.Text.RegularExpressions.RegexOptions.None, System.Threading.Timeout.InfiniteTimeSpan);
            return Task.CompletedTask;
        }) });
        """;

    // Four threads of its own spin (past the policy: the benchmark's policy allows threads) while the tenant's calls, a
    // millisecond each, keep its worker busy: no deadline passes and the watch for a spin with no call running never fires.
    private const string SpinningBehindCalls = """
        var started = false;
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
        {
            if (!started)
            {
                started = true;
                for (var i = 0; i < 4; i++) { new System.Threading.Thread(() => System.Threading.Thread.SpinWait(int.MaxValue)) { IsBackground = true }.Start(); }
            }

            await Task.Delay(1);
        }) });
        """;

    private const int SpinningThreads = 4;

    // How many tenants' idle workers run together for the memory each one costs the machine.
    private const int IdleWorkers = 16;

    public static int Run(string[] args)
    {
        var starts = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var s) ? s : 20;
        var calls = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var c) ? c : 2_000;
        using var folders = new TenantFolders();
        var cache = TenantFolders.CreateReachable("wcp-bench-sandbox-");
        try
        {
            using var engine = new ConnectorEngine(new ConnectorEngineOptions
            {
                Isolation = IsolationMode.Sandbox,
                CompileCacheDirectory = cache,
                InvocationTimeout = TimeSpan.FromSeconds(1),
                Policy = Policy,
                Sandbox = new SandboxOptions { SpareWorkers = 0 },
            });
            using var uncapped = new ConnectorEngine(new ConnectorEngineOptions
            {
                Isolation = IsolationMode.Sandbox,
                CompileCacheDirectory = cache,
                Policy = Policy,
                Sandbox = new SandboxOptions { SpareWorkers = 0, WorkerCpuCores = 0 },
            });
            using var spares = new ConnectorEngine(new ConnectorEngineOptions
            {
                Isolation = IsolationMode.Sandbox,
                CompileCacheDirectory = cache,
                Sandbox = new SandboxOptions { SpareWorkers = 1 },
            });
            var quiet = Write(folders, "victim", Quiet);
            var noisy = Write(folders, "noisy", Spinning);
            Console.WriteLine($"# Sandboxed workers ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
            ColdStart(engine, spares, quiet, starts);
            IdleRss(engine, quiet);
            IdleSpare(spares);
            ManyIdle(engine, folders, IdleWorkers);
            RunawayHold(engine, noisy);
            NoisyNeighbour(engine, quiet, noisy, calls).GetAwaiter().GetResult();
            var hidden = Write(folders, "hidden-spin", SpinningBehindCalls);
            SpinBehindCalls(engine, uncapped, quiet, hidden, calls).GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static readonly Engine.Policy.ApiPolicy Policy = Engine.Policy.ApiPolicy.Create(allow => allow
        .Types("System.Threading", "Timeout", "Thread", "ThreadStart").Types("System.Text.RegularExpressions", "Regex"));

    private static string Write(TenantFolders folders, string tenantId, string script)
    {
        var directory = folders.CopySample("minimal", tenantId);
        foreach (var file in Directory.GetFiles(Path.Combine(directory, "server", "script")))
        {
            File.Delete(file);
        }

        File.WriteAllText(Path.Combine(directory, "server", "script", "hook.csx"), script);
        return directory;
    }

    private static void ColdStart(ConnectorEngine engine, ConnectorEngine spares, string directory, int starts)
    {
        using (engine.LoadTenant(directory))
        {
            // The first start compiles into the cache; the rest load from it, as after a restart or an idle stop.
        }

        using (spares.LoadTenant(directory))
        {
            // The spares' engine starts its spare at its first tenant's load.
        }

        // In turns, so both see the same load: a fresh start (no spare), then a claim of a spare that has had a second to warm up.
        var fresh = new List<double>();
        var claimed = new List<double>();
        for (var i = 0; i < starts; i++)
        {
            fresh.Add(FirstCall(engine, directory));
            ReadySpare(spares);
            claimed.Add(FirstCall(spares, directory));
        }

        Console.WriteLine($"\n| worker cold start, load from cache and first call ({starts} starts each, in turns) | median | p90 | min |\n| --- | --- | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| fresh start (`SpareWorkers` 0) | {Percentile(fresh, 0.5):N0} ms | {Percentile(fresh, 0.9):N0} ms | {fresh.Min():N0} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| a spare claimed (`SpareWorkers` 1, the spare up ≥ 1 s) | {Percentile(claimed, 0.5):N1} ms | {Percentile(claimed, 0.9):N1} ms | {claimed.Min():N1} ms |"));
    }

    /// <summary>Loads the tenant (from its saved state: no worker yet) and times the load and its first call: the tenant's wait.</summary>
    private static double FirstCall(ConnectorEngine engine, string directory)
    {
        var clock = Stopwatch.StartNew();
        using var tenant = engine.LoadTenant(directory);
        var result = tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).GetAwaiter().GetResult();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        Check(result);
        if (engine.Workers!.Options.SpareWorkers > 0 && !((SandboxedTenant)tenant.Runtime).WorkerSeesCopies)
        {
            throw new InvalidOperationException("The benchmark's first call was not served by a spare.");
        }

        return elapsed;
    }

    /// <summary>Waits until the engine's spare has been up for a second (its runtime started and warmed up); returns it.</summary>
    private static WorkerProcess ReadySpare(ConnectorEngine engine)
    {
        while (true)
        {
            if (engine.Workers!.Spares is [var spare, ..] && !spare.HasExited)
            {
                var up = DateTimeOffset.UtcNow - spare.StartedAt;
                if (up >= TimeSpan.FromSeconds(1))
                {
                    return spare;
                }

                Thread.Sleep(TimeSpan.FromSeconds(1) - up);
                continue;
            }

            Thread.Sleep(10);
        }
    }

    // What spares cost while no tenant needs them: one idle worker, always running.
    private static void IdleSpare(ConnectorEngine engine)
    {
        var spare = ReadySpare(engine);
        Thread.Sleep(2_000);
        var rss = ProcessTree.Usage(spare.ProcessId).ResidentBytes / (1024.0 * 1024);
        var (pss, unique) = Rollup(spare.ProcessId);
        Console.WriteLine("\n| per idle spare (bwrap and its worker, no tenant, 3 s after its start) | RSS | PSS | private |\n| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| | {rss:N1} MiB | {pss:N1} MiB | {unique:N1} MiB |"));
    }

    private static void IdleRss(ConnectorEngine engine, string directory)
    {
        using var tenant = engine.LoadTenant(directory);
        Check(tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).GetAwaiter().GetResult());
        Thread.Sleep(2_000);
        var pid = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
        var rss = ProcessTree.Usage(pid).ResidentBytes / (1024.0 * 1024);
        var (pss, unique) = Rollup(pid);
        Console.WriteLine("\n| per idle worker (bwrap and its worker, after one call and 2 s idle) | RSS | PSS | private |\n| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| | {rss:N1} MiB | {pss:N1} MiB | {unique:N1} MiB |"));
    }

    // What one more idle worker costs the machine when many run: the runtime's files are mapped by all of them and the host, so
    // each worker's share of them (PSS) falls as workers are added, while RSS counts them whole in every worker. The machine's
    // available memory (MemAvailable) is read before and after, for a figure that needs no accounting rule (other processes move it).
    private static void ManyIdle(ConnectorEngine engine, TenantFolders folders, int count)
    {
        var available = AvailableMiB();
        var tenants = new List<TenantConnectors>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var tenant = engine.LoadTenant(Write(folders, $"idle-{i}", Quiet));
                tenants.Add(tenant);
                Check(tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).GetAwaiter().GetResult());
            }

            Thread.Sleep(2_000);
            var used = available - AvailableMiB();
            double rss = 0, pss = 0, unique = 0;
            foreach (var tenant in tenants)
            {
                var pid = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
                rss += ProcessTree.Usage(pid).ResidentBytes / (1024.0 * 1024);
                var (share, own) = Rollup(pid);
                (pss, unique) = (pss + share, unique + own);
            }

            Console.WriteLine($"\n| {count} idle workers together (one call each, 2 s idle), per worker | RSS | PSS | private | machine's available memory taken |\n| --- | ---: | ---: | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| | {rss / count:N1} MiB | {pss / count:N1} MiB | {unique / count:N1} MiB | {used / count:N1} MiB |"));
        }
        finally
        {
            tenants.ForEach(tenant => tenant.Dispose());
        }
    }

    private static double AvailableMiB() =>
        File.ReadLines("/proc/meminfo").Where(line => line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).Single();

    // PSS splits shared pages (the runtime's files, mapped by every worker and the host) among their users; private is this worker's alone.
    private static (double Pss, double Private) Rollup(int processId)
    {
        double pss = 0, unique = 0;
        foreach (var pid in ProcessTree.SelfAndDescendants(processId))
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 3 && parts[0] is "Pss:" or "Private_Clean:" or "Private_Dirty:")
                {
                    var mib = double.Parse(parts[1], CultureInfo.InvariantCulture) / 1024;
                    if (parts[0] == "Pss:")
                    {
                        pss += mib;
                    }
                    else
                    {
                        unique += mib;
                    }
                }
            }
        }

        return (pss, unique);
    }

    private static void RunawayHold(ConnectorEngine engine, string directory)
    {
        using var tenant = engine.LoadTenant(directory);
        var pid = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
        var clock = Stopwatch.StartNew();
        var result = tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).GetAwaiter().GetResult();
        var returned = clock.Elapsed;
        while (Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal))
        {
            Thread.Sleep(5);
        }

        var gone = clock.Elapsed;
        Console.WriteLine("\n| runaway (catastrophic regex, 1 s deadline, 2 s grace) | status | call returned | worker gone | core held after the deadline |\n| --- | --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| | {result.Status} | {returned.TotalMilliseconds:N0} ms | {gone.TotalMilliseconds:N0} ms | {(gone - TimeSpan.FromSeconds(1)).TotalMilliseconds:N0} ms |"));
    }

    private static async Task NoisyNeighbour(ConnectorEngine engine, string victimDirectory, string noisyDirectory, int calls)
    {
        using var victim = engine.LoadTenant(victimDirectory);
        var solo = await MeasureAsync(victim, calls).ConfigureAwait(false);
        using var noisy = engine.LoadTenant(noisyDirectory);
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(async () =>
        {
            var rounds = 0;
            while (!stop.IsCancellationRequested)
            {
                await noisy.InvokePassUpdatersAsync(BenchmarkEvents.Installed(noisy.TenantId), CancellationToken.None).ConfigureAwait(false);
                rounds++;
            }

            return rounds;
        });
        await Task.Delay(200).ConfigureAwait(false);
        var withNeighbour = await MeasureAsync(victim, calls, minimum: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        stop.Cancel();
        var rounds = await noise.ConfigureAwait(false);
        Console.WriteLine("\n| victim, sequential calls | calls | p50 | p99 |\n| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| solo | {solo.Count:N0} | {Percentile(solo, 0.5):N0} µs | {Percentile(solo, 0.99):N0} µs |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| beside a tenant spinning into its deadline ({rounds} runaways, each killing its worker) | {withNeighbour.Count:N0} | {Percentile(withNeighbour, 0.5):N0} µs | {Percentile(withNeighbour, 0.99):N0} µs |"));
    }

    /// <summary>The victim's calls beside a tenant whose threads spin while its own calls keep its worker busy, with each
    /// worker's CPU capped (the default) and without a cap: the victim's p50/p99 and the cores the spinner's worker held.</summary>
    private static async Task SpinBehindCalls(ConnectorEngine capped, ConnectorEngine uncapped, string victimDirectory, string spinnerDirectory, int calls)
    {
        Console.WriteLine($"\n| victim, sequential calls, beside a tenant whose {SpinningThreads} threads spin while its calls keep its worker busy | calls | p50 | p99 | victim solo p50 / p99 | spinner's worker, cores | spinner's calls failed |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (engine, how) in new[] { (capped, string.Create(CultureInfo.InvariantCulture, $"workers capped at {new SandboxOptions().WorkerCpuCores} core (the default)")), (uncapped, "no cap (`WorkerCpuCores` 0)") })
        {
            using var victim = engine.LoadTenant(victimDirectory);
            var solo = await MeasureAsync(victim, calls).ConfigureAwait(false);
            using var spinner = engine.LoadTenant(spinnerDirectory);
            using var stop = new CancellationTokenSource();
            // The spinner's own calls may pass their deadline behind its spin (its worker is then restarted): counted, not fatal.
            var noise = Task.Run(async () =>
            {
                var failed = 0;
                while (!stop.IsCancellationRequested)
                {
                    failed += (await spinner.InvokePassUpdatersAsync(BenchmarkEvents.Installed(spinner.TenantId), CancellationToken.None).ConfigureAwait(false)).Succeeded ? 0 : 1;
                }

                return failed;
            });
            await Task.Delay(500).ConfigureAwait(false);
            var worker = spinner.Worker?.ProcessId ?? throw new InvalidOperationException("The spinning tenant has no worker.");
            var before = ProcessTree.Usage(worker).CpuTime;
            var clock = Stopwatch.StartNew();
            var beside = await MeasureAsync(victim, calls, minimum: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var cores = (ProcessTree.Usage(worker).CpuTime - before) / clock.Elapsed;
            stop.Cancel();
            var failed = await noise.ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {how} | {beside.Count:N0} | {Percentile(beside, 0.5):N0} µs | {Percentile(beside, 0.99):N0} µs | {Percentile(solo, 0.5):N0} / {Percentile(solo, 0.99):N0} µs | {cores:N2} | {failed} |"));
        }
    }

    private static async Task<List<double>> MeasureAsync(TenantConnectors tenant, int calls, TimeSpan? minimum = null)
    {
        var times = new List<double>(calls);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < calls || total.Elapsed < minimum; i++)
        {
            var clock = Stopwatch.StartNew();
            Check(await tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).ConfigureAwait(false));
            times.Add(clock.Elapsed.TotalMicroseconds);
        }

        return times;
    }

    private static void Check(InvocationResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The benchmark's hook failed: " + result.Error);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
