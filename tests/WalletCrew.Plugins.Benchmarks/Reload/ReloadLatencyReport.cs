using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Reload;

/// <summary>
/// <c>-- reload [saves]</c>: hot-reload latency, file saved → first call served by the new version. A tenant with hot reload on
/// is invoked in a loop while its connector is rewritten; each save's latency is the time from the write to the first call whose
/// log shows the new version. Printed per debounce setting as median, p90 and max (a Stopwatch loop, not BenchmarkDotNet).
/// </summary>
internal static class ReloadLatencyReport
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static int Run(string[] args)
    {
        var saves = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 20;
        Console.WriteLine("| debounce | saves | save → Reloaded event, median (ms) | save → first call on new version, median (ms) | p90 (ms) | max (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var debounce in new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(20) })
        {
            Measure(debounce, saves);
        }

        return 0;
    }

    private static void Measure(TimeSpan debounce, int saves)
    {
        using var folders = new TenantFolders();
        var directory = folders.CopySample("minimal", "reload");
        var script = Directory.EnumerateFiles(Path.Combine(directory, "server", "script"), "*.csx").Single();
        var original = File.ReadAllText(script);
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { HotReload = true, ReloadDebounce = debounce });
        using var tenant = engine.LoadTenant(directory);
        var reloadedAt = 0L;
        tenant.Reloaded += (_, _) => Interlocked.Exchange(ref reloadedAt, Stopwatch.GetTimestamp());

        // One save first, so Roslyn and the reload path are warm like in a running host.
        var toEvent = new List<double>();
        var toCall = new List<double>();
        for (var i = 0; i <= saves; i++)
        {
            var marker = $"v{i}";
            Thread.Sleep(debounce * 2); // let the watcher settle after the previous save
            var savedAt = Stopwatch.GetTimestamp();
            File.WriteAllText(script, original.Replace("installed on", marker + " installed on", StringComparison.Ordinal));
            while (true)
            {
                var result = tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed("reload"), CancellationToken.None).GetAwaiter().GetResult();
                if (result.Log.Any(l => l.Message.Contains(marker + " installed on", StringComparison.Ordinal)))
                {
                    if (i > 0)
                    {
                        toCall.Add(Stopwatch.GetElapsedTime(savedAt).TotalMilliseconds);
                        toEvent.Add(Stopwatch.GetElapsedTime(savedAt, Interlocked.Read(ref reloadedAt)).TotalMilliseconds);
                    }

                    break;
                }

                if (Stopwatch.GetElapsedTime(savedAt) > Patience)
                {
                    throw new TimeoutException($"Save {i} was not served within {Patience.TotalSeconds} s: {string.Join(", ", tenant.Diagnostics)}");
                }

                Thread.Sleep(1);
            }
        }

        toCall.Sort();
        toEvent.Sort();
        Console.WriteLine($"| {debounce.TotalMilliseconds:0} ms | {saves} | {Median(toEvent):0} | {Median(toCall):0} | {toCall[(int)Math.Ceiling(0.9 * toCall.Count) - 1]:0} | {toCall[^1]:0} |");
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
