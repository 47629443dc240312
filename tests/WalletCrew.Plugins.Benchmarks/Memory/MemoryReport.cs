using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Benchmarks.Memory;

/// <summary>
/// <c>-- memory [count] [--precompiled]</c>: loads <c>count</c> generated tenants (copies of the minimal example with distinct ids),
/// invokes each once, disposes them all, and prints RSS, managed heap and live load contexts at each step as Markdown.
/// With <c>--precompiled</c> every script is compiled before the baseline and only loaded afterwards (what a compile cache
/// would do), so Roslyn's own footprint is not charged to the connectors.
/// </summary>
internal static class MemoryReport
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 1_000;
        var precompiled = args.Contains("--precompiled");
        using var folders = new TenantFolders();
        var directories = Enumerable.Range(1, count).Select(i => folders.CopySample("minimal", $"tenant-{i:D4}")).ToList();
        var options = new ConnectorEngineOptions { AllowLoopback = true, HttpHandler = new InMemoryPartnerHandler() };
        using var engine = new ConnectorEngine(options);
        using var fetch = new FetchClient(new FetchClientOptions { AllowLoopback = true, Handler = options.HttpHandler });
        var compiler = new ScriptCompiler();
        var loader = new ScriptConnectorLoader(fetch, options);
        var invoker = new ConnectorInvoker(options);

        // One tenant loaded, invoked and unloaded first, so Roslyn, the JIT'd engine and its statics are in the baseline.
        using (var warm = engine.LoadTenant(folders.CopySample("minimal", "warm-up")))
        {
            Check(warm.TenantId, warm.InvokePassUpdatersAsync(BenchmarkEvents.Installed(warm.TenantId), CancellationToken.None));
        }

        var scripts = precompiled ? directories.Select(d => compiler.Compile(Source(d))).ToList() : [];
        var baseline = MemorySnapshot.Take();

        var stopwatch = Stopwatch.StartNew();
        var loaded = precompiled
            ? scripts.Select(s => Loaded.From(loader.Load(s), s.Source.TenantId, invoker)).ToList()
            : directories.Select(d => Loaded.From(engine.LoadTenant(d))).ToList();
        var loadTime = stopwatch.Elapsed;
        var failed = loaded.Count(l => !l.Ok);
        var afterLoad = MemorySnapshot.Take();

        stopwatch.Restart();
        foreach (var tenant in loaded)
        {
            Check(tenant.TenantId, tenant.Invoke(BenchmarkEvents.Installed(tenant.TenantId)));
        }

        var invokeTime = stopwatch.Elapsed;
        var afterInvoke = MemorySnapshot.Take();

        foreach (var tenant in loaded)
        {
            tenant.Handle.Dispose();
        }

        loaded.Clear();
        var rounds = 1;
        var released = MemorySnapshot.Take();
        for (; released.ConnectorContexts > 0 && rounds < 20; rounds++)
        {
            released = MemorySnapshot.Take();
        }

        var trimmed = NativeHeap.TryTrim() ? MemorySnapshot.Take() : null;
        GC.KeepAlive(scripts);

        var report = new MemoryTable(count, baseline, afterLoad, afterInvoke, released, trimmed);
        Console.WriteLine($"{count} tenants (copies of plugins-sample/tenants/minimal), {(precompiled ? "compiled before the baseline, then loaded from their images" : "each compiled and loaded by ConnectorEngine.LoadTenant")}; {failed} failed to load");
        Console.WriteLine($"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} CPUs; load: {loadTime.TotalSeconds:0.0} s ({loadTime.TotalMilliseconds / count:0.00} ms per tenant); first invocation of each: {invokeTime.TotalMilliseconds / count:0.00} ms per tenant; contexts collected after {rounds} GC round(s)");
        report.Print(Console.Out);
        return failed == 0 ? 0 : 1;
    }

    private static ScriptSource Source(string directory)
    {
        var script = Directory.EnumerateFiles(Path.Combine(directory, "server", "script"), "*.csx").Single();
        return new ScriptSource(Path.GetFileName(directory), "server/script/" + Path.GetFileName(script), File.ReadAllText(script));
    }

    private static void Check(string tenantId, Task<InvocationResult> invocation)
    {
        var result = invocation.GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{tenantId}: {result.Status} {result.Error}");
        }
    }

    private sealed record Loaded(string TenantId, bool Ok, IDisposable Handle, Func<PassInstallationEvent, Task<InvocationResult>> Invoke)
    {
        public static Loaded From(TenantConnectors tenant) =>
            new(tenant.TenantId, !tenant.HasErrors && tenant.PassUpdaterCount == 1, tenant, e => tenant.InvokePassUpdatersAsync(e, CancellationToken.None));

        public static Loaded From(ConnectorVersion version, string tenantId, ConnectorInvoker invoker) =>
            new(tenantId, !version.HasErrors && version.PassUpdaters.Count == 1, version, e => invoker.InvokePassUpdatersAsync(version.PassUpdaters, e, CancellationToken.None));
    }
}
