namespace WalletCrew.Plugins.Engine;

/// <summary>Settings of the sandboxed worker processes.</summary>
public sealed class SandboxOptions
{
    /// <summary>Gets how many workers may run at once; starting one more stops the least recently used idle worker first.</summary>
    /// <value>The default is 64.</value>
    public int MaxWorkers { get; init; } = EngineDefaults.MaxWorkers;

    /// <summary>Gets how many spare workers are kept started for no tenant yet, so a tenant's worker start is only its load and
    /// first call; a spare is claimed by one tenant and becomes its worker. 0 turns spares off. Not counted in <see cref="MaxWorkers"/>.</summary>
    /// <value>The default is 1.</value>
    public int SpareWorkers { get; init; } = EngineDefaults.SpareWorkers;

    /// <summary>Gets how long a worker with nothing to do stays warm before it is stopped.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan WorkerIdleTimeout { get; init; } = EngineDefaults.WorkerIdleTimeout;

    /// <summary>Gets the GC heap hard limit of each worker; allocating past it fails the invocation (memory limit) and restarts the worker.</summary>
    /// <value>The default is 256 MiB.</value>
    public long WorkerHeapLimitBytes { get; init; } = EngineDefaults.WorkerHeapLimitBytes;

    /// <summary>Gets the memory all workers together may hold, with what the kernel holds for them (the memory groups' parent);
    /// past it the kernel kills a worker, and the invocation fails naming the memory limit. 0: no such bound.</summary>
    /// <value>The default is three quarters of the memory the host's process may use.</value>
    public long WorkersMemoryLimitBytes { get; init; } = EngineDefaults.WorkersMemoryLimitBytes;

    /// <summary>Gets how many cores each worker's threads may use together (a CPU group of its own, <c>WorkerGroups</c>);
    /// 0 runs workers without a cap.</summary>
    /// <value>The default is a quarter of the machine's cores, at least 0.5.</value>
    public double WorkerCpuCores { get; init; } = EngineDefaults.WorkerCpuCores;

    /// <summary>Gets the cgroup folder the workers' groups (CPU cap, memory bound, thread and process limit) are made in: a
    /// cgroup v2 group delegated to the host with the cpu, memory and pids controllers, or a group of a cgroup v1 hierarchy
    /// (the other controllers' are found as by default). Set, a host that cannot use it refuses to start.</summary>
    /// <value>The default is <see langword="null"/>: the host's own group in each controller's cgroup v1 hierarchy when it may
    /// write it, else none, with a warning.</value>
    public string? CgroupDirectory { get; init; }

    /// <summary>Gets a value indicating whether each worker gets a memory group and a pids group (<c>WorkerGroups</c>). Only
    /// tests turn them off, to show what they bound.</summary>
    internal bool ResourceGroups { get; init; } = true;

    /// <summary>Gets how many threads and processes all workers together may run (the pids groups' parent); 0: no such bound.
    /// Only tests change it, to show what it bounds.</summary>
    internal int WorkersTasks { get; init; } = EngineDefaults.WorkersTasks;

    /// <summary>Gets which users a root host's workers run as outside their namespaces (<c>WorkerUser</c>). Only tests change
    /// it, to show what the default stops.</summary>
    internal WorkerUsers WorkerUsers { get; init; } = WorkerUsers.OwnEach;

    /// <summary>Gets how long past its deadline an invocation may go on before the host kills its worker.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan KillGrace { get; init; } = EngineDefaults.WorkerKillGrace;

    /// <summary>Gets the bubblewrap executable.</summary>
    /// <value>The default is <c>bwrap</c> found on <c>PATH</c>.</value>
    public string? BubblewrapPath { get; init; }

    /// <summary>Gets a value indicating whether workers run under the seccomp filter (<c>SeccompFilter</c>: system calls a worker
    /// never needs fail with <c>EPERM</c>). Only tests turn it off, to show what the filter stops.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Seccomp { get; init; } = true;

    /// <summary>Gets the folder holding the worker program (<c>WalletCrew.Plugins.Worker.dll</c>).</summary>
    /// <value>The default is the <c>worker</c> folder next to the application.</value>
    public string? WorkerDirectory { get; init; }
}
