namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Watches the load contexts of released connector versions. Unloading is cooperative: anything still holding the
/// connector's code keeps its context alive. Those still alive after a grace period are zombies, reported to operators.
/// </summary>
internal sealed class ZombieTracker
{
    private readonly List<(string TenantId, string Path, WeakReference Context, DateTimeOffset ReleasedAt)> _released = [];

    public void Track(string tenantId, string path, WeakReference context, DateTimeOffset releasedAt)
    {
        lock (_released)
        {
            _released.Add((tenantId, path, context, releasedAt));
        }
    }

    /// <summary>Returns the released contexts still alive, forgetting the collected ones.</summary>
    public IReadOnlyList<ZombieConnector> Alive(DateTimeOffset releasedBefore)
    {
        lock (_released)
        {
            _released.RemoveAll(entry => !entry.Context.IsAlive);
            return
            [
                .. _released
                    .Where(entry => entry.ReleasedAt <= releasedBefore)
                    .Select(entry => new ZombieConnector(entry.TenantId, entry.Path, entry.ReleasedAt)),
            ];
        }
    }
}
