namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The uids a root host's workers run as, one per running worker (<see cref="WorkerUser"/>): what the kernel counts per
/// user (pipe buffers, queued signals, processes where there is no pids group) is then each worker's own, so one tenant
/// taking its user's share takes nothing from another's. From <see cref="WorkerUser.FirstUid"/> up, the lowest free first, so
/// a host uses as many as it runs workers at once; a uid is free again once its worker has ended. One pool per process
/// (<see cref="Shared"/>): two engines in one process must not hand out the same uid.
/// </summary>
internal sealed class WorkerUids
{
    /// <summary>Gets the pool every launcher of this process rents from.</summary>
    public static WorkerUids Shared { get; } = new();

    private readonly Lock _gate = new();
    private readonly SortedSet<int> _free = [];
    private int _next = WorkerUser.FirstUid;

    /// <summary>Takes a uid for a worker; disposing the lease, once the worker has ended, frees it.</summary>
    public Lease Rent()
    {
        lock (_gate)
        {
            if (_free.Min is var lowest and > 0 && _free.Remove(lowest))
            {
                return new Lease(this, lowest);
            }

            return new Lease(this, _next++);
        }
    }

    private void Return(int uid)
    {
        lock (_gate)
        {
            _free.Add(uid);
        }
    }

    /// <summary>A worker's uid, held until the worker has ended.</summary>
    internal sealed class Lease(WorkerUids owner, int uid) : IDisposable
    {
        private int _returned;

        public int Uid { get; } = uid;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                owner.Return(Uid);
            }
        }
    }
}
