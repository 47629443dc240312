using System.Diagnostics;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Startup;

/// <summary>
/// `-- cache [count]`: start-up of many tenants from a warm compile cache, each run in a fresh process (the way a
/// host restarts), against the same start-up compiling everything. Prints a Markdown table.
/// </summary>
internal static class CacheStartupReport
{
    public static int Run(string[] args)
    {
        if (args.Length >= 3 && args[1] == "--child")
        {
            return Child(args[2], args[3]);
        }

        var count = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1000;
        using var folders = new TenantFolders();
        for (var i = 0; i < count; i++)
        {
            folders.CopySample("minimal", $"tenant-{i:D4}");
        }

        var cache = Path.Combine(folders.Root, "..", "cache-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"| run ({count} tenants, fresh process) | total ms | ms per tenant | compiled | from cache | compiler loaded |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var label in new[] { "cold cache (compiles)", "warm cache", "warm cache (again)" })
        {
            var line = RunChild(folders.Root, cache);
            Console.WriteLine($"| {label} | {line} |");
        }

        Directory.Delete(cache, recursive: true);
        return 0;
    }

    private static string RunChild(string root, string cache)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (var arg in new[] { typeof(CacheStartupReport).Assembly.Location, "cache", "--child", root, cache })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    // Loads every tenant under the root through one engine with the cache, as `wcp serve` starts.
    private static int Child(string root, string cache)
    {
        var clock = Stopwatch.StartNew();
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = cache });
        var tenants = Directory.EnumerateDirectories(root).Select(engine.LoadTenant).ToList();
        clock.Stop();
        var statistics = engine.CompileStatistics;
        var compilerLoaded = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true);
        if (tenants.Any(t => t.HasErrors))
        {
            Console.WriteLine("errors");
            return 1;
        }

        Console.WriteLine($"{clock.Elapsed.TotalMilliseconds:0} | {clock.Elapsed.TotalMilliseconds / tenants.Count:0.00} | {statistics.Compiled} | {statistics.FromCache} | {(compilerLoaded ? "yes" : "no")}");
        tenants.ForEach(t => t.Dispose());
        return 0;
    }
}
