using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>A connector version counted by the generations that hold it; unloaded, and watched for collection, when the last lets go.</summary>
internal sealed class CountedVersion(ConnectorVersion version, string tenantId, ZombieTracker zombies, TimeProvider time)
{
    private int _references;

    public ConnectorVersion Value => version;

    public void AddRef() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        var context = version.LoadContext;
        version.Dispose();
        UnloadHazards.ClearAfterUnload();
        if (context is not null)
        {
            zombies.Track(tenantId, version.DisplayPath, context, time.GetUtcNow(), GC.CollectionCount(GC.MaxGeneration));
        }
    }
}
