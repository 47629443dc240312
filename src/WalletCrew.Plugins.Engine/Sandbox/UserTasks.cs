using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The bound a worker without a pids group starts with on its user's threads and processes (<c>RLIMIT_NPROC</c>): the kernel
/// refuses the worker a thread or process once its user's total, the host's own and every worker's, reaches it. A worker's
/// processes run as the host's user outside their namespace, so a host that may write no cgroup (one run as a user of its
/// own on cgroup v1) would otherwise let a tenant fork until its user, or the machine, has no process id left, and the host
/// could start no thread. Half the host's own limit, at most <see cref="SandboxOptions.WorkersTasks"/>: the rest stays the host's.
/// </summary>
internal static class UserTasks
{
    /// <summary>Returns the bound for workers whose pools may run <paramref name="workersTasks"/> together (0: none).</summary>
    public static int Bound(int workersTasks) =>
        workersTasks <= 0 ? 0 : OwnLimit() is { } own ? Math.Min(workersTasks, own / 2) : workersTasks;

    // The soft "Max processes" of this process (/proc/self/limits), or null where it is unlimited or cannot be read.
    private static int? OwnLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max processes", StringComparison.Ordinal));
            var soft = line?["Max processes".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(soft, CultureInfo.InvariantCulture, out var limit) ? limit : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
