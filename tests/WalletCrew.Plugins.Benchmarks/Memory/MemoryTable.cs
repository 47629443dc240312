using System.Globalization;

namespace WalletCrew.Plugins.Benchmarks.Memory;

/// <summary>The memory report's Markdown tables: the snapshots, the cost per connector and what came back.</summary>
internal sealed class MemoryTable(int count, MemorySnapshot baseline, MemorySnapshot loaded, MemorySnapshot invoked, MemorySnapshot released, MemorySnapshot? trimmed)
{
    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| step | RSS (MB) | managed heap (MB) | GC committed (MB) | load contexts (of them connectors') |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        Row(output, "baseline (warm engine, 1 tenant loaded and unloaded)", baseline);
        Row(output, $"{count} tenants loaded", loaded);
        Row(output, $"{count} tenants loaded and invoked once", invoked);
        Row(output, "all disposed + full GC", released);
        if (trimmed is not null)
        {
            Row(output, "then glibc malloc_trim(0)", trimmed);
        }

        output.WriteLine();
        output.WriteLine("| per loaded connector | RSS (KB) | managed heap (KB) |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| loaded | {PerTenant(loaded.Rss - baseline.Rss)} | {PerTenant(loaded.ManagedHeap - baseline.ManagedHeap)} |");
        output.WriteLine($"| loaded and invoked once | {PerTenant(invoked.Rss - baseline.Rss)} | {PerTenant(invoked.ManagedHeap - baseline.ManagedHeap)} |");
        output.WriteLine();
        output.WriteLine($"returned after dispose + GC: RSS {Returned(released, s => s.Rss)}, managed heap {Returned(released, s => s.ManagedHeap)}" +
            (trimmed is null ? "" : $"; after malloc_trim: RSS {Returned(trimmed, s => s.Rss)}") +
            $"; connector load contexts alive: {released.ConnectorContexts} of {invoked.ConnectorContexts}");
    }

    private static void Row(TextWriter output, string name, MemorySnapshot s) =>
        output.WriteLine($"| {name} | {Mb(s.Rss)} | {Mb(s.ManagedHeap)} | {Mb(s.GcCommitted)} | {s.LoadContexts} ({s.ConnectorContexts}) |");

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private string PerTenant(long bytes) => (bytes / 1024.0 / count).ToString("0.0", CultureInfo.InvariantCulture);

    private string Returned(MemorySnapshot after, Func<MemorySnapshot, long> figure) =>
        (100.0 * (figure(invoked) - figure(after)) / Math.Max(1, figure(invoked) - figure(baseline))).ToString("0", CultureInfo.InvariantCulture) + " %";
}
