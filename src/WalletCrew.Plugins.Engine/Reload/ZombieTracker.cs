namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Watches the load contexts of released connector versions. Unloading is cooperative: anything still holding the
/// connector's code keeps its context alive. A context still alive after the grace period and after full collections
/// since its release is a zombie, reported to operators; before those collections it is only not collected yet.
/// </summary>
internal sealed class ZombieTracker
{
    private readonly List<Released> _released = [];

    /// <param name="fullCollections">The count of full collections at release: <c>GC.CollectionCount(GC.MaxGeneration)</c>.</param>
    public void Track(string tenantId, string path, WeakReference context, DateTimeOffset releasedAt, int fullCollections)
    {
        lock (_released)
        {
            _released.Add(new Released(tenantId, path, context, releasedAt, fullCollections));
        }
    }

    /// <summary>Returns the released contexts still alive that the runtime has had its chance to free, forgetting the collected ones.</summary>
    /// <param name="releasedBefore">Versions released later are still in their grace period.</param>
    /// <param name="fullCollections">The count of full collections now; read, never forced (a blocking full GC would stall a serving host).</param>
    public IReadOnlyList<ZombieConnector> Alive(DateTimeOffset releasedBefore, int fullCollections)
    {
        lock (_released)
        {
            _released.RemoveAll(entry => !entry.Context.IsAlive);
            return
            [
                .. _released
                    .Where(entry => entry.ReleasedAt <= releasedBefore && fullCollections - entry.FullCollections >= EngineDefaults.ZombieFullCollections)
                    .Select(entry => new ZombieConnector(entry.TenantId, entry.Path, entry.ReleasedAt)),
            ];
        }
    }

    private sealed record Released(string TenantId, string Path, WeakReference Context, DateTimeOffset ReleasedAt, int FullCollections);
}
