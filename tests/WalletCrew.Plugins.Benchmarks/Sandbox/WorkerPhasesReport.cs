using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Benchmarks.Sandbox;

/// <summary>
/// <c>-- worker-phases [starts] [NAME=value ...]</c>: where a worker's cold start goes. Starts the worker program over its channel, directly
/// (<c>dotnet exec</c>) and inside bubblewrap, and times each step: the process up to its answer to the load (runtime start,
/// engine, the tenant's images from the compile cache, its top-level code), then the first and a later call, and the
/// resident memory after a second idle. Each further argument, <c>NAME=value[,NAME=value…]</c>, adds a direct row with those settings
/// in its environment (runtime knobs to try). The rows take turns, one start each, so a shared machine's changing load falls
/// on every row alike. Prints Markdown.
/// </summary>
internal static class WorkerPhasesReport
{
    private const string Hook = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("ok " + passId); return Task.CompletedTask; }) });
        """;

    // Later calls per start: 200, or PHASES_CALLS (a busy worker's memory: RSS after 300,000 calls against 20,000).
    private static readonly int LaterCalls = Environment.GetEnvironmentVariable("PHASES_CALLS") is { } calls ? int.Parse(calls, CultureInfo.InvariantCulture) : 200;

    public static int Run(string[] args)
    {
        var starts = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var s) ? s : 10;
        using var folders = new TenantFolders();
        var cache = TenantFolders.CreateReachable("wcp-bench-phases-");
        try
        {
            var directory = folders.CopySample("minimal", "phases");
            foreach (var file in Directory.GetFiles(Path.Combine(directory, "server", "script")))
            {
                File.Delete(file);
            }

            File.WriteAllText(Path.Combine(directory, "server", "script", "hook.csx"), Hook);

            // Compile into the cache as the host does; the worker only loads from it.
            using (var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = cache }))
            using (engine.LoadTenant(directory))
            {
            }

            var buildKey = new CompileCache(cache, [], checkpoints: true).BuildKey;
            Console.WriteLine($"# Worker cold start by phase ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {starts} starts each)");
            Console.WriteLine("\n| how | to load answered | first call | later call (median of 200) | total to first answer | RSS after 1 s idle |\n| --- | ---: | ---: | ---: | ---: | ---: |");
            var options = new SandboxOptions();
            var program = WorkerLauncher.ProgramPath(options);
            var direct = new WorkerSettings(directory, cache, buildKey, true, 10_000, 10_000, 20, 32, 1000, 16 * 1024, new LimitMaxima());
            using var launcher = new WorkerLauncher(options);
            List<Row> rows =
            [
                new("dotnet exec (no sandbox)", () => Direct(program, []), direct),
                new("bubblewrap", () => launcher.Start("phases", directory, Path.Combine(cache, "phases"), options.WorkerHeapLimitBytes).Process,
                    new WorkerSettings($"{WorkerLauncher.TenantsMount}/phases", WorkerLauncher.CacheMount, buildKey, true, 10_000, 10_000, 20, 32, 1000, 16 * 1024, new LimitMaxima())),
                .. args.Skip(2).Select(knobs => new Row($"dotnet exec, {knobs.Replace(",", ", ", StringComparison.Ordinal)}", () => Direct(program, knobs.Split(',')), direct)),
            ];
            for (var i = 0; i < starts; i++)
            {
                foreach (var row in rows)
                {
                    Measure(row);
                }
            }

            foreach (var row in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.How} | {Median(row.Loads):N1} ms | {Median(row.Firsts):N2} ms | {Median(row.Laters) * 1000:N0} µs | {Median(row.Loads) + Median(row.Firsts):N1} ms | {Median(row.Resident):N1} MiB |"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static Process Direct(string program, IEnumerable<string> environment)
    {
        var apphost = Environment.GetEnvironmentVariable("PHASES_APPHOST");
        var start = new ProcessStartInfo(apphost ?? Path.Combine(WorkerLauncher.DotnetRoot, "dotnet"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (apphost is null)
        {
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(program);
        }

        foreach (var (name, value) in WorkerLauncher.RuntimeSettings(new SandboxOptions().WorkerHeapLimitBytes))
        {
            start.Environment[name] = value;
        }

        foreach (var pair in environment)
        {
            start.Environment[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        return Process.Start(start)!;
    }

    private static void Measure(Row row)
    {
        var (loads, firsts, laters, resident, launch, settings) = (row.Loads, row.Firsts, row.Laters, row.Resident, row.Launch, row.Settings);
        {
            var clock = Stopwatch.StartNew();
            using var process = launch();
            var channel = new FrameChannel(process.StandardOutput.BaseStream, process.StandardInput.BaseStream, WorkerLoop.MaxFrameBytes);
            var replies = new System.Threading.Channels.UnboundedChannelOptions();
            var inbox = System.Threading.Channels.Channel.CreateUnbounded<WorkerMessage>(replies);
            // A worker that ends before it answers (bubblewrap refused a bind) ends the run with its error, not a wait.
            _ = channel.ReadAllAsync(m => inbox.Writer.TryWrite(m), CancellationToken.None).ContinueWith(
                _ => inbox.Writer.TryComplete(new InvalidOperationException($"The worker ended: {process.StandardError.ReadToEnd()}")), TaskScheduler.Default);
            channel.WriteAsync(new LoadMessage(1, settings)).GetAwaiter().GetResult();
            var state = (TenantStateReply)inbox.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            loads.Add(clock.Elapsed.TotalMilliseconds);
            if (state.State.PassUpdaterCount != 1)
            {
                throw new InvalidOperationException($"The worker loaded {state.State.PassUpdaterCount} hooks: {string.Join("; ", state.State.Diagnostics)}");
            }

            var wire = WireConversions.ToWire(BenchmarkEvents.Installed("phases"));
            var call = Stopwatch.StartNew();
            channel.WriteAsync(new InvokeMessage(2, wire)).GetAwaiter().GetResult();
            inbox.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            firsts.Add(call.Elapsed.TotalMilliseconds);
            for (var n = 0; n < LaterCalls; n++)
            {
                call.Restart();
                channel.WriteAsync(new InvokeMessage(3 + n, wire)).GetAwaiter().GetResult();
                inbox.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
                laters.Add(call.Elapsed.TotalMilliseconds);
            }

            Thread.Sleep(1_000);
            resident.Add(ProcessTree.Usage(process.Id).ResidentBytes / (1024.0 * 1024));
            process.StandardInput.Close();
            if (!process.WaitForExit(2_000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Row(string How, Func<Process> Launch, WorkerSettings Settings)
    {
        public List<double> Loads { get; } = [];

        public List<double> Firsts { get; } = [];

        public List<double> Laters { get; } = [];

        public List<double> Resident { get; } = [];
    }
}
