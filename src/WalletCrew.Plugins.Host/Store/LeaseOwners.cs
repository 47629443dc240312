using System.Collections.Concurrent;
using System.Diagnostics;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Lease owner ids (<c>machine/pid/guid</c>, one per delivery worker) and whether the process behind one is certainly gone,
/// so a restarting host can take back its previous process's leases at once instead of waiting for them to expire.
/// </summary>
internal static class LeaseOwners
{
    private static readonly ConcurrentDictionary<string, byte> s_live = new(StringComparer.Ordinal);

    /// <summary>Returns a new owner id for a worker of this process, live until <see cref="Retire"/>.</summary>
    public static string Create()
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        s_live[owner] = 0;
        return owner;
    }

    /// <summary>Marks a worker of this process as stopped.</summary>
    public static void Retire(string owner) => s_live.TryRemove(owner, out _);

    /// <summary>
    /// Returns true only when the owner's process cannot be running: it names this machine and either this process id
    /// without being one of this process's live workers (the process before us had our id, as PID 1 in a container
    /// does), or a process id that no longer exists. Anything else (another machine, a live or reused process id) is
    /// left to expire.
    /// </summary>
    public static bool IsGone(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return !s_live.ContainsKey(owner);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
