namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>One worker's control groups (<see cref="WorkerGroups"/>): the folders the shell that starts it joins, one per
/// cgroup hierarchy; owned by its <see cref="WorkerProcess"/>, which caps it, asks it how the worker ended and releases it.</summary>
internal sealed class WorkerGroup(WorkerGroups owner, IReadOnlyList<string> folders, long memoryLimitBytes)
{
    /// <summary>Gets the memory the worker's memory group holds it to (its memory limit and its scratch space).</summary>
    public long MemoryLimitBytes => memoryLimitBytes;

    /// <summary>Gets the group's folders, in the order of the pool's hierarchies.</summary>
    public IReadOnlyList<string> Folders => folders;

    /// <summary>Caps the worker's CPU from now on (once it has loaded its tenant).</summary>
    /// <exception cref="IOException">The cap could not be written.</exception>
    public void CapCpu() => owner.Cap(this);

    /// <summary>Gets whether the kernel killed the worker on its memory limit.</summary>
    public bool RanOutOfMemory => owner.RanOutOfMemory(this);

    /// <summary>Gets the memory all workers together may hold, or 0 without such a bound.</summary>
    public long WorkersMemoryLimitBytes => owner.WorkersMemoryLimitBytes;

    /// <summary>Gets how many threads and processes all workers together may run, or 0 without such a bound.</summary>
    public int WorkersTasks => owner.WorkersTasks;

    /// <summary>Gets whether a thread or process of the worker was refused at its limit, or at all workers' together (cgroup v1
    /// counts both in the worker's group; v2 counts the second in the pool's only).</summary>
    public bool ReachedTaskLimit => owner.ReachedTaskLimit(this);

    /// <summary>Removes the groups once the worker has ended.</summary>
    public void Release() => owner.Release(this);
}
