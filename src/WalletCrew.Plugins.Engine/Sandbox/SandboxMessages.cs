using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The sandbox's messages, in one place.</summary>
internal static class SandboxMessages
{
    /// <summary>Where a worker's heap limit is set: the tenant's own, else the host's.</summary>
    public const string HeapLimitSetting = "limits.workerHeapMiB in tenant.json, else the host's WalletCrew:Engine:WorkerHeapLimitMiB";

    public const string OutOfMemory =
        $"The connector ran its worker out of memory (memory limit: {HeapLimitSetting}); the worker was restarted.";

    public const string BubblewrapMissing =
        "Isolation 'sandbox' needs bubblewrap, which is not installed: install the Debian package 'bubblewrap' (apt-get install bubblewrap), "
        + "or set WalletCrew:Engine:Isolation (wcp: --isolation) to 'in-process' for development.";

    public static string FellBack(string problem) =>
        $"Tenant code runs in-process, without the sandbox: {problem} Isolation 'auto' fell back to 'in-process'; set it to 'sandbox' to refuse to start instead.";

    public static string NamespacesUnavailable(string detail) =>
        $"bubblewrap cannot create its namespaces on this machine ({detail}): enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0), "
        + "or set WalletCrew:Engine:Isolation to 'in-process'.";

    public static string GroupsUnavailable(string problem) =>
        $"Sandboxed workers cannot be given control groups of their own: {problem} (unset {CgroupParent.Setting} to run them without what the host cannot give, with a warning).";

    public static string WithoutSeccomp(string problem) => $"Workers run without their seccomp filter: {problem}";

    public static string AsRoot(string problem) =>
        $"Workers run as root outside their namespaces, where a flaw in the kernel's namespaces would give a tenant the machine: {problem}. Or run the host as a user of its own.";

    public static string UserNamespacesRefused(string detail) =>
        $"bubblewrap run as an unprivileged user cannot make its namespaces ({detail}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, or an AppArmor profile for bwrap)";

    public static string Unreachable(string path) =>
        $"'{path}' is not readable by other users, or is below a folder they may not pass: make it and the folders above it readable (chmod o+rX)";

    public static string NoUidBlock(int blocks, string folder) =>
        $"No block of uids is free for this host's workers: all {blocks} are held by running hosts (locks wcp-worker-uids-* in {folder}). Stop a host, or run the host as a user of its own.";

    public static string UidLockFailed(string path, string error) =>
        $"The lock on this host's block of worker uids could not be taken at {path} ({error}): the folder must be writable by the host (root), as /run/lock is.";

    public static string UidsUsedUp(int blockSize) =>
        $"This host runs {blockSize} workers at once, all the uids of its block: lower WalletCrew:Engine:MaxWorkers.";

    public static string WithoutSignalLimit(string prlimit) =>
        $"Workers run without a bound on their queued signals, which the kernel counts per user: {prlimit} was not found; install the package util-linux.";

    public static string WithoutCpuCap(string problem) => $"Workers run without their CPU cap (WalletCrew:Engine:WorkerCpuCores): {problem}";

    public static string WithoutMemoryGroup(string problem) =>
        $"Workers run without a memory group, so memory the kernel holds for them outside their processes (memory files, shared memory) is not bounded: {problem}";

    public static string WithoutTaskLimit(string problem, int userTasks) =>
        $"Workers run without a limit on their threads and processes each: {problem}"
        + (userTasks > 0 ? $" Meanwhile a worker starts a thread or process only while the host's user runs fewer than {userTasks} in all, the host's own included (RLIMIT_NPROC)." : "");

    public static string WorkerMissing(string path) =>
        $"The sandbox worker program '{path}' is missing: build the solution (it is copied into worker/ next to the host) or, when embedding the engine, set SandboxOptions.WorkerDirectory.";

    public static string KilledPastDeadline(TimeSpan limit, TimeSpan grace) =>
        $"The invocation did not return within its limit of {Seconds(limit)} plus a grace of {Seconds(grace)} (limit: InvocationTimeout); its worker was killed and the next call starts a fresh one.";

    public static string Recycled(TimeSpan limit) =>
        $"The code that passed its limit of {Seconds(limit)} may still be running, so its worker was killed; the next call starts a fresh one.";

    public static string MemoryLimit(long residentBytes, long limitBytes) =>
        $"The worker's resident memory reached {MiB(residentBytes)} MiB, over its limit of {MiB(limitBytes)} MiB (memory limit: {HeapLimitSetting}); it was killed.";

    public static string GroupMemoryLimit(long limitBytes, long workersLimitBytes) =>
        $"The worker's memory, with what the kernel held for it (files in its /tmp, shared memory), reached its limit of {MiB(limitBytes)} MiB"
        + (workersLimitBytes > 0
            ? $", or all workers' together reached theirs of {MiB(workersLimitBytes)} MiB (memory limit: {HeapLimitSetting}; all workers: WalletCrew:Engine:WorkersMemoryLimitMiB)"
            : $" (memory limit: {HeapLimitSetting})")
        + "; the kernel killed it.";

    public static string TaskLimit(string exit, int workersTasks, string detail) =>
        $"it ended ({exit}) after its code reached the worker's limit of {EngineDefaults.WorkerTasks} threads and processes together"
        + (workersTasks > 0 ? $", or all workers' together reached theirs of {workersTasks}" : "") + detail;

    public static string Stopped(string tenantId, string reason) =>
        $"Tenant '{tenantId}''s worker stopped during the invocation: {reason}";

    public static string StoppedIdle(TimeSpan idle) =>
        $"stopped after {Seconds(idle)} without a call (WalletCrew:Engine:WorkerIdleTimeout)";

    public static string MadeRoom(int maxWorkers) =>
        $"stopped while idle to make room for another tenant's worker ({maxWorkers} running, WalletCrew:Engine:MaxWorkers)";

    public const string Replaced = "replaced by a fresh worker (the tenant's worker memory limit changed, or its files did while no worker ran)";

    public const string TenantUnloaded = "the tenant was unloaded";

    public const string LoadFailed = "it did not load the tenant's connectors";

    public const string SpareFailed = "A spare sandboxed worker could not be started; tenants' workers start afresh when needed (WalletCrew:Engine:SpareWorkers).";

    public static string SpareDied(string reason) =>
        $"A spare sandboxed worker ended before a tenant claimed it ({reason}); that tenant's worker started afresh, and a new spare was started. Logged once per engine.";

    public const string SpareFillFailed = "its folders could not be filled with the tenant's files";

    public const string MalformedFrame = "it sent a malformed or oversized frame on its channel";

    public const string UnexpectedMessage = "it sent a message only the host may send";

    public const string AnswerToNoRequest = "it answered a request the host did not send, or had had answered";

    public const string AnswerOfAnotherKind = "it answered a request with a message of another kind (a load's account for a call, or a call's result for a load)";

    public const string CancelledByHost = "The host cancelled the invocation: its caller left.";

    public const string BusyWithoutCall = "it kept a core busy with no call running: code may not outlive its call";

    public const string CalledWhileIdle = "its code called the host (fetch, getSecret) for a call that was not running: code may not outlive its call";

    public static string TooManyFetches(int limit) =>
        $"its code sent more than {limit:N0} fetches during one call, the most any tenant may";

    public static string OversizedCall(string what, long size, long limit) =>
        $"its code called the host with a {what} of {size:N0} characters, over the {limit:N0} a call may carry";

    public static string OversizedCallFrame(string what, long bytes, long limit) =>
        $"its code called the host with a {what} in a frame of {bytes:N0} bytes, over the {limit:N0} such a call can take";

    public static string TooManyHostCalls(int limit) =>
        $"its code called the host (fetch, getSecret) more than {limit:N0} times during one call";

    public static string InvalidReply(string what) =>
        $"The tenant's worker answered with {what}; the call is counted as failed.";

    public static string RequestTooLarge(string frame) =>
        $"The call could not be sent to the tenant's worker: {frame} Its data, as JSON, is too large for a sandboxed call; the worker was not affected.";

    public static readonly string StderrOverflow = $"it wrote more than {StderrTail.MaxBytes / (1024 * 1024)} MiB to its standard error";

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string MiB(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture);
}
