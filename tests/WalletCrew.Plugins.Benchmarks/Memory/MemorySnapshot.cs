using System.Runtime;
using System.Runtime.Loader;
using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Benchmarks.Memory;

/// <summary>Process-wide memory figures after a full, compacting, blocking collection.</summary>
internal sealed record MemorySnapshot(long Rss, long ManagedHeap, long GcCommitted, int LoadContexts, int ConnectorContexts)
{
    public static MemorySnapshot Take()
    {
        FullCollect();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new MemorySnapshot(
            ReadRss(),
            GC.GetTotalMemory(forceFullCollection: false),
            info.TotalCommittedBytes,
            AssemblyLoadContext.All.Count(),
            AssemblyLoadContext.All.Count(c => c is ConnectorLoadContext));
    }

    public static void FullCollect()
    {
        // Collectible contexts need several rounds: the first collection runs the LoaderAllocator finalizers, the next frees what they held.
        for (var i = 0; i < 4; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Resident set size from /proc on Linux (what the kernel charges the process), the working set elsewhere.</summary>
    private static long ReadRss()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
        {
            var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Environment.WorkingSet;
    }
}
