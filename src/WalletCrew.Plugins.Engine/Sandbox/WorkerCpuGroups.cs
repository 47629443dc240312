using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Caps each sandboxed worker's CPU with a control group of its own (the kernel's CFS bandwidth control): a worker's threads
/// together get at most <see cref="SandboxOptions.WorkerCpuCores"/> cores, however many of them spin and whether or not the
/// tenant's calls keep it busy, so no tenant takes more than that from the host and the other tenants. The groups of one
/// pool live in a folder of their own (<c>wcp-&lt;host pid&gt;-&lt;n&gt;</c>) in a cgroup the host may write: by default the
/// host's own group in the cgroup v1 <c>cpu</c> hierarchy, or the cgroup v2 group <see cref="SandboxOptions.CpuGroupDirectory"/>
/// names (delegated to the host, its <c>cpu</c> controller available). A worker joins its group before bubblewrap starts (see
/// <see cref="WorkerLauncher"/>), so none of its code runs outside it; the cap is set once it has loaded its tenant: a cap
/// on its start doubled a fresh worker's (benchmarks.md §6).
/// </summary>
internal sealed class WorkerCpuGroups : IDisposable
{
    private const long PeriodMicroseconds = 100_000;
    private const long MinimumQuotaMicroseconds = 1_000; // the kernel refuses less

    // How long a stop waits for killed workers' processes to leave their groups (they go within milliseconds).
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(2);

    private static int s_pools;

    private readonly bool _v2;
    private readonly long _quotaMicroseconds;
    private readonly ConcurrentDictionary<string, byte> _released = new();
    private readonly ConcurrentDictionary<int, string> _groups = new();
    private long _workers;

    public WorkerCpuGroups(SandboxOptions options)
    {
        if (options.WorkerCpuCores <= 0)
        {
            return; // no cap asked for
        }

        _quotaMicroseconds = Math.Max(MinimumQuotaMicroseconds, (long)Math.Round(options.WorkerCpuCores * PeriodMicroseconds));
        var (parent, v2, problem) = CpuGroupParent.Locate(options.CpuGroupDirectory);
        if (parent is null)
        {
            Problem = problem;
            return;
        }

        _v2 = v2;
        RemoveLeftOvers(parent);
        var folder = Path.Combine(parent, $"wcp-{Environment.ProcessId}-{Interlocked.Increment(ref s_pools)}");
        try
        {
            EnableCpuBelow(parent);
            Directory.CreateDirectory(folder);
            EnableCpuBelow(folder);
            Folder = folder;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Problem = $"the host cannot create CPU groups in '{parent}' ({exception.Message}); set {CpuGroupParent.Setting} to a cgroup it may write.";
            TryRemove(folder);
        }
    }

    /// <summary>Gets the folder holding this pool's groups, or <see langword="null"/> when workers run without a CPU cap.</summary>
    public string? Folder { get; }

    /// <summary>Gets why workers run without a CPU cap though one is asked for, or <see langword="null"/>.</summary>
    public string? Problem { get; }

    /// <summary>Creates the group of one worker, not capped yet (<see cref="Cap"/>); returns its folder, or <see langword="null"/>
    /// without groups.</summary>
    /// <exception cref="IOException">The group could not be created.</exception>
    public string? Create()
    {
        if (Folder is null)
        {
            return null;
        }

        foreach (var released in _released.Keys)
        {
            if (TryRemove(released))
            {
                _released.TryRemove(released, out _);
            }
        }

        var group = Path.Combine(Folder, "w" + Interlocked.Increment(ref _workers).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(group);
        return group;
    }

    /// <summary>Records that the process <paramref name="processId"/> (bubblewrap) runs in <paramref name="group"/>.</summary>
    public void Started(string group, int processId) => _groups[processId] = group;

    /// <summary>Caps the group of the worker <paramref name="processId"/> (nothing without groups). A worker's start (the
    /// runtime compiles its own code on every core it gets) and its load run before, bounded by the load's time limit.</summary>
    /// <exception cref="IOException">The cap could not be written.</exception>
    public void Cap(int processId)
    {
        if (!_groups.TryGetValue(processId, out var group))
        {
            return;
        }

        if (_v2)
        {
            Write(group, "cpu.max", $"{_quotaMicroseconds} {PeriodMicroseconds}");
        }
        else
        {
            Write(group, "cpu.cfs_period_us", PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            Write(group, "cpu.cfs_quota_us", _quotaMicroseconds.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Removes the group of a worker that has ended (later, if its last process is still leaving it).</summary>
    public void Release(string group, int? processId)
    {
        if (processId is { } id)
        {
            _groups.TryRemove(id, out _);
        }

        if (!TryRemove(group))
        {
            _released.TryAdd(group, 0);
        }
    }

    /// <summary>Removes the pool's groups and folder, waiting a little for workers killed just before to have left them.</summary>
    public void Dispose()
    {
        var patience = Stopwatch.StartNew();
        while (Folder is not null && !RemoveWithGroups(Folder) && patience.Elapsed < ExitPatience)
        {
            Thread.Sleep(20);
        }
    }

    // cgroup v2 only: a group's children get a controller once the group enables it for them.
    private void EnableCpuBelow(string folder)
    {
        if (_v2 && !File.ReadAllText(Path.Combine(folder, "cgroup.subtree_control")).Split(' ', '\n').Contains("cpu"))
        {
            Write(folder, "cgroup.subtree_control", "+cpu");
        }
    }

    /// <summary>Removes the empty groups a host that is gone left behind (one that was killed).</summary>
    private static void RemoveLeftOvers(string parent)
    {
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(parent, "wcp-*"))
            {
                var name = Path.GetFileName(folder).Split('-');
                if (name.Length == 3 && int.TryParse(name[1], CultureInfo.InvariantCulture, out var pid)
                    && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                {
                    RemoveWithGroups(folder);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the next start; nothing runs in them.
        }
    }

    private static bool RemoveWithGroups(string folder)
    {
        try
        {
            foreach (var group in Directory.EnumerateDirectories(folder))
            {
                TryRemove(group);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to read: the folder's own removal says which.
        }

        return TryRemove(folder);
    }

    // A cgroup's folder is removed with rmdir (its files are the kernel's), and only once no process is left in it.
    private static bool TryRemove(string group)
    {
        try
        {
            Directory.Delete(group, recursive: false);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Write(string folder, string file, string value) => File.WriteAllText(Path.Combine(folder, file), value);
}
