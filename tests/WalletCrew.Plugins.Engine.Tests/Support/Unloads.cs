namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>Proves unloads the only reliable way: weak references and a bounded GC loop.</summary>
internal static class Unloads
{
    /// <summary>
    /// Collects until the contexts are gone or the passes run out. It first yields and then runs on a fresh thread-pool
    /// stack: an `await` continuation may run inline beneath the engine's completing frames, whose slots still hold
    /// connector objects until that stack unwinds.
    /// </summary>
    public static async Task<bool> WaitForCollectionAsync(IReadOnlyCollection<WeakReference> contexts, int passes = 20)
    {
        await Task.Yield();
        return await Task.Run(() =>
        {
            for (var pass = 0; pass < passes && contexts.Any(c => c.IsAlive); pass++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            return contexts.All(c => !c.IsAlive);
        });
    }

    /// <summary>
    /// Gets the names of the collectible assemblies loaded now: connectors' code and what their contexts load privately
    /// (Refit). The host's framework assemblies are left out, since another test class may load some at any time (a Kestrel stub).
    /// </summary>
    public static IReadOnlyList<string> CollectibleAssemblies() =>
        [.. AppDomain.CurrentDomain.GetAssemblies().Where(a => a.IsCollectible).Select(a => a.FullName ?? a.GetName().Name ?? "?")];

    /// <summary>
    /// Gets how much the heap grew since <paramref name="baseline"/>, measured again a few times while it is at or above
    /// <paramref name="allowance"/>: the heap is the whole process's, and work another test left running may hold memory for
    /// a moment, where a leak holds it for good.
    /// </summary>
    public static long HeapGrowthSince(long baseline, long allowance)
    {
        var growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        for (var attempt = 0; attempt < 10 && growth >= allowance; attempt++)
        {
            Thread.Sleep(200);
            growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        }

        return growth;
    }

    /// <summary>
    /// Runs <paramref name="batch"/> (with 0, 1, 2) until the heap grows less than <paramref name="allowance"/> over one, at
    /// most three times, and returns the smallest growth: a leak grows the heap in every batch, while work another test left
    /// running may hold memory during one or two of them.
    /// </summary>
    public static async Task<long> LeastHeapGrowthAsync(long allowance, Func<int, Task> batch)
    {
        var least = long.MaxValue;
        for (var run = 0; run < 3 && least >= allowance; run++)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            await batch(run);
            least = Math.Min(least, HeapGrowthSince(heap, allowance));
        }

        return least;
    }
}
