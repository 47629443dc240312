using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.HookInvocation;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Sandbox;

/// <summary>
/// <c>-- sandbox-calls [rounds] [calls]</c>: the seed hook's call in-process and in a sandboxed worker,
/// taken in turns (a round of calls each, again and again), so a shared machine's changing load falls on every row alike;
/// the same rows as <see cref="SandboxCall"/>, as medians and tails of single calls. <c>CALLS_HOOK=file.csx</c> replaces
/// the seed hook's script with another (a hook without <c>fetch</c>, to see what a crossing costs). Prints Markdown.
/// </summary>
internal static class SandboxCallsReport
{
    private const string TenantId = "acme-crm";

    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var r) ? r : 20;
        var calls = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var c) ? c : 500;
        var handler = new InMemoryPartnerHandler();
        var secrets = new InMemorySecretSource().Set(TenantId, BenchmarkEvents.SecretName, BenchmarkEvents.SecretValue);
        var @event = BenchmarkEvents.Installed(TenantId);
        using var folders = new TenantFolders();
        var cache = TenantFolders.CreateReachable("wcp-bench-calls-");
        try
        {
            var directory = folders.CopySample("acme-crm", TenantId);
            if (Environment.GetEnvironmentVariable("CALLS_HOOK") is { } hook)
            {
                File.Copy(hook, Path.Combine(directory, "server", "script", "passInstallation.csx"), overwrite: true);
            }
            ConnectorEngine Engine(IsolationMode isolation, SandboxOptions sandbox) => new(new ConnectorEngineOptions
            {
                Secrets = secrets, AllowLoopback = true, HttpHandler = handler, CompileCacheDirectory = cache, Isolation = isolation, Sandbox = sandbox,
            });
            (string Name, ConnectorEngine Engine)[] rows =
            [
                ("in-process", Engine(IsolationMode.InProcess, new SandboxOptions())),
                ("sandboxed", Engine(IsolationMode.Sandbox, new SandboxOptions())),
            ];
            var tenants = rows.Select(row => row.Engine.LoadTenant(directory)).ToArray();
            var times = rows.Select(_ => new List<double>(rounds * calls)).ToArray();
            for (var round = -1; round < rounds; round++)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    for (var n = 0; n < calls; n++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        var result = tenants[i].InvokePassUpdatersAsync(@event, CancellationToken.None).GetAwaiter().GetResult();
                        var elapsed = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                        if (!result.Succeeded)
                        {
                            throw new InvalidOperationException($"{rows[i].Name}: {result.Status} {result.Error}");
                        }

                        if (round >= 0)
                        {
                            times[i].Add(elapsed);
                        }
                    }
                }
            }

            Console.WriteLine($"# Seed hook calls in turns ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {rounds} rounds of {calls} calls per row)");
            Console.WriteLine("\n| row | p50 | p90 | p99 | mean | p50 over in-process |\n| --- | ---: | ---: | ---: | ---: | ---: |");
            var baseline = Percentile(times[0], 0.5);
            for (var i = 0; i < rows.Length; i++)
            {
                var p50 = Percentile(times[i], 0.5);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {rows[i].Name} | {p50:N1} µs | {Percentile(times[i], 0.9):N1} µs | {Percentile(times[i], 0.99):N1} µs | {times[i].Average():N1} µs | +{p50 - baseline:N1} µs |"));
            }

            foreach (var tenant in tenants)
            {
                tenant.Dispose();
            }

            foreach (var row in rows)
            {
                row.Engine.Dispose();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * fraction))];
    }
}
