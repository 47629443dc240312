namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The worker's exit codes the host tells apart; anything else (a signal, the runtime's own abort) is a crash.</summary>
internal static class WorkerExitCodes
{
    /// <summary>The host closed the channel.</summary>
    public const int Closed = 0;

    /// <summary>The host sent a frame the worker could not read.</summary>
    public const int ProtocolError = 3;

    /// <summary>Tenant code ran the heap to its hard limit.</summary>
    public const int OutOfMemory = 4;

    /// <summary>A compiler process went unused for a while and ended; the host starts another.</summary>
    public const int Idle = 5;

    /// <summary>A compiler process passed its compile-time limit with no host there to kill it.</summary>
    public const int CompileTimedOut = 6;

    /// <summary>The worker could not answer a request of the host's (it wrote why on its standard error).</summary>
    public const int RequestFailed = 7;

    /// <summary>The shell that starts a worker could not limit its open descriptors (<see cref="EngineDefaults.WorkerOpenFiles"/>)
    /// or queued signals (<see cref="EngineDefaults.WorkerPendingSignals"/>), or turn its core dumps off.</summary>
    public const int LimitsNotSet = 122;

    /// <summary>The shell that starts a worker without a pids group could not limit its user's threads and processes (<see cref="UserTasks"/>).</summary>
    public const int TaskLimitNotSet = 123;

    /// <summary>The shell that starts a worker could not limit its data segment to the worker's memory limit.</summary>
    public const int MemoryLimitNotSet = 124;

    /// <summary>The shell that starts a worker could not join one of the worker's control groups (<see cref="WorkerGroups"/>).</summary>
    public const int GroupNotJoined = 125;

    /// <summary>The shell that starts a worker could not open the seccomp filter for bubblewrap.</summary>
    public const int SeccompNotOpened = 126;
}
