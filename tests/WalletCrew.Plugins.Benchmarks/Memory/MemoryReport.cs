using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Memory;

/// <summary>
/// <c>-- memory [count]</c>: loads <c>count</c> generated tenants (copies of the minimal example with distinct ids), invokes each
/// once, then disposes them all, and prints RSS, managed heap and live load contexts at each step as a Markdown table.
/// </summary>
internal static class MemoryReport
{
    public static int Run(int count)
    {
        using var folders = new TenantFolders();
        var directories = Enumerable.Range(1, count).Select(i => folders.CopySample("minimal", $"tenant-{i:D4}")).ToList();
        var warmDirectory = folders.CopySample("minimal", "warm-up");

        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true, HttpHandler = new InMemoryPartnerHandler() });

        // One tenant loaded, invoked and unloaded first, so Roslyn, the JIT'd engine and its statics are in the baseline.
        using (var warm = engine.LoadTenant(warmDirectory))
        {
            Invoke(warm);
        }

        var baseline = MemorySnapshot.Take();
        var stopwatch = Stopwatch.StartNew();
        var tenants = directories.Select(engine.LoadTenant).ToList();
        var loadTime = stopwatch.Elapsed;
        var failed = tenants.Count(t => t.HasErrors || t.PassUpdaterCount != 1);
        var loaded = MemorySnapshot.Take();

        stopwatch.Restart();
        foreach (var tenant in tenants)
        {
            Invoke(tenant);
        }

        var invokeTime = stopwatch.Elapsed;
        var invoked = MemorySnapshot.Take();

        foreach (var tenant in tenants)
        {
            tenant.Dispose();
        }

        tenants.Clear();
        var released = MemorySnapshot.Take();
        var rounds = 1;
        for (; released.ConnectorContexts > 0 && rounds < 20; rounds++)
        {
            released = MemorySnapshot.Take();
        }

        Print(count, failed, loadTime, invokeTime, rounds, baseline, loaded, invoked, released);
        return failed == 0 ? 0 : 1;
    }

    private static void Invoke(TenantConnectors tenant)
    {
        var result = tenant.InvokePassUpdatersAsync(BenchmarkEvents.Installed(tenant.TenantId), CancellationToken.None).GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{tenant.TenantId}: {result.Status} {result.Error}");
        }
    }

    private static void Print(int count, int failed, TimeSpan loadTime, TimeSpan invokeTime, int rounds, MemorySnapshot baseline, MemorySnapshot loaded, MemorySnapshot invoked, MemorySnapshot released)
    {
        static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        string PerTenant(long bytes) => (bytes / 1024.0 / count).ToString("0.0", CultureInfo.InvariantCulture);
        string Returned(Func<MemorySnapshot, long> figure) =>
            (100.0 * (figure(invoked) - figure(released)) / Math.Max(1, figure(invoked) - figure(baseline))).ToString("0", CultureInfo.InvariantCulture) + " %";

        Console.WriteLine($"{count} tenants (copies of plugins-sample/tenants/minimal), {failed} failed to load; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} CPUs");
        Console.WriteLine($"load: {loadTime.TotalSeconds:0.0} s ({loadTime.TotalMilliseconds / count:0.0} ms per tenant); first invocation of each: {invokeTime.TotalMilliseconds:0} ms; contexts collected after {rounds} GC round(s)");
        Console.WriteLine();
        Console.WriteLine("| step | RSS (MB) | managed heap (MB) | GC committed (MB) | load contexts (connector) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("baseline (1 tenant loaded and unloaded)", baseline), ($"{count} tenants loaded", loaded), ($"{count} tenants loaded and invoked once", invoked), ("all disposed + full GC", released) })
        {
            Console.WriteLine($"| {name} | {Mb(s.Rss)} | {Mb(s.ManagedHeap)} | {Mb(s.GcCommitted)} | {s.LoadContexts} ({s.ConnectorContexts}) |");
        }

        Console.WriteLine();
        Console.WriteLine("| per loaded connector | RSS (KB) | managed heap (KB) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| loaded | {PerTenant(loaded.Rss - baseline.Rss)} | {PerTenant(loaded.ManagedHeap - baseline.ManagedHeap)} |");
        Console.WriteLine($"| loaded and invoked once | {PerTenant(invoked.Rss - baseline.Rss)} | {PerTenant(invoked.ManagedHeap - baseline.ManagedHeap)} |");
        Console.WriteLine();
        Console.WriteLine($"returned after dispose + GC: RSS {Returned(s => s.Rss)}, managed heap {Returned(s => s.ManagedHeap)}; connector load contexts alive: {released.ConnectorContexts} of {invoked.ConnectorContexts}");
    }
}
