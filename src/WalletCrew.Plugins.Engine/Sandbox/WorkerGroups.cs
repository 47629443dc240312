using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Puts each sandboxed worker in control groups of its own (<see cref="WorkerGroup"/>), which bound what the kernel gives
/// it as a whole, whatever its code does:
/// <list type="bullet">
/// <item><c>cpu</c>: its threads together get at most <see cref="SandboxOptions.WorkerCpuCores"/> cores (CFS bandwidth),
/// however many of them spin and whether or not the tenant's calls keep it busy; set once it has loaded its tenant, since a
/// cap on its start doubled a fresh worker's (benchmarks.md §6).</item>
/// <item><c>memory</c>: everything the kernel holds for it (its resident memory, files in its scratch space, shared memory
/// and memory files, kernel buffers) at most its memory limit plus its scratch space; past it the kernel kills it, and
/// the host names the memory limit (<see cref="WorkerGroup.RanOutOfMemory"/>).</item>
/// <item><c>pids</c>: its threads and processes together at most <see cref="EngineDefaults.WorkerTasks"/>, so no tenant
/// starts enough of them to leave the host none (the machine's process ids are few: 32,768 by default).</item>
/// </list>
/// The pool's folder bounds its workers together: their memory at <see cref="SandboxOptions.WorkersMemoryLimitBytes"/>, their
/// threads and processes at <see cref="SandboxOptions.WorkersTasks"/>.
/// The groups of one pool live in a folder of their own (<c>wcp-&lt;host pid&gt;-&lt;n&gt;</c>) in a cgroup the host may
/// write: by default the host's own group in each controller's cgroup v1 hierarchy, or the cgroup v2 group
/// <see cref="SandboxOptions.CgroupDirectory"/> names (delegated to the host, serving every controller). A worker joins its groups before
/// bubblewrap starts (see <see cref="WorkerLauncher"/>), so none of its code runs outside them.
/// </summary>
internal sealed class WorkerGroups : IDisposable
{
    private const string Cpu = "cpu";
    private const string Memory = "memory";
    private const string Pids = "pids";
    private const long PeriodMicroseconds = 100_000;
    private const long MinimumQuotaMicroseconds = 1_000; // the kernel refuses less

    // How long a stop waits for killed workers' processes to leave their groups (they go within milliseconds).
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(2);

    private static int s_pools;

    private readonly long _quotaMicroseconds;
    private readonly List<Tree> _trees = [];
    private readonly ConcurrentDictionary<string, byte> _released = new();
    private long _workers;

    public WorkerGroups(SandboxOptions options)
    {
        var pool = $"wcp-{Environment.ProcessId}-{Interlocked.Increment(ref s_pools)}";
        if (options.WorkerCpuCores > 0)
        {
            _quotaMicroseconds = Math.Max(MinimumQuotaMicroseconds, (long)Math.Round(options.WorkerCpuCores * PeriodMicroseconds));
            CpuProblem = Add(Cpu, options.CgroupDirectory, pool, limitPool: null);
        }

        if (options.ResourceGroups)
        {
            var workersMemory = Math.Max(0, options.WorkersMemoryLimitBytes);
            MemoryProblem = Add(Memory, options.CgroupDirectory, pool, workersMemory > 0 ? tree => LimitMemory(tree.Pool, tree.V2, workersMemory) : null);
            WorkersMemoryLimitBytes = MemoryProblem is null ? workersMemory : 0;
            var workersTasks = Math.Max(0, options.WorkersTasks);
            TasksProblem = Add(Pids, options.CgroupDirectory, pool, workersTasks > 0 ? tree => LimitTasks(tree.Pool, workersTasks) : null);
            WorkersTasks = TasksProblem is null ? workersTasks : 0;
        }
    }

    /// <summary>Gets why workers run without their CPU cap though one is asked for, or <see langword="null"/>.</summary>
    public string? CpuProblem { get; }

    /// <summary>Gets why workers run without a memory group, or <see langword="null"/>.</summary>
    public string? MemoryProblem { get; }

    /// <summary>Gets why workers run without a limit on their threads and processes, or <see langword="null"/>.</summary>
    public string? TasksProblem { get; }

    /// <summary>Gets the memory all workers together may hold (their memory groups' parent), or 0 without such a bound.</summary>
    public long WorkersMemoryLimitBytes { get; }

    /// <summary>Gets how many threads and processes all workers together may run (their pids groups' parent), or 0 without such a bound.</summary>
    public int WorkersTasks { get; }

    /// <summary>Returns the folder holding this pool's groups of <paramref name="controller"/>, or <see langword="null"/>.</summary>
    public string? PoolFolder(string controller) => _trees.FirstOrDefault(tree => tree.Controllers.Contains(controller))?.Pool;

    /// <summary>Creates the groups of one worker, its memory limited to <paramref name="memoryLimitBytes"/> and its CPU not
    /// capped yet (<see cref="WorkerGroup.CapCpu"/>); <see langword="null"/> without groups.</summary>
    /// <exception cref="IOException">A group could not be created.</exception>
    public WorkerGroup? Create(long memoryLimitBytes)
    {
        if (_trees.Count == 0)
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

        var name = "w" + Interlocked.Increment(ref _workers).ToString(CultureInfo.InvariantCulture);
        List<string> folders = [];
        try
        {
            foreach (var tree in _trees)
            {
                var folder = Directory.CreateDirectory(Path.Combine(tree.Pool, name)).FullName;
                folders.Add(folder);
                if (tree.Controllers.Contains(Memory))
                {
                    LimitMemory(folder, tree.V2, memoryLimitBytes);
                }

                if (tree.Controllers.Contains(Pids))
                {
                    LimitTasks(folder, EngineDefaults.WorkerTasks);
                }
            }
        }
        catch
        {
            Release(folders);
            throw;
        }

        return new WorkerGroup(this, folders, memoryLimitBytes);
    }

    /// <summary>Caps the CPU of <paramref name="group"/>'s worker (nothing without a CPU group).</summary>
    /// <exception cref="IOException">The cap could not be written.</exception>
    public void Cap(WorkerGroup group)
    {
        foreach (var (tree, folder) in Folders(group, Cpu))
        {
            if (tree.V2)
            {
                Write(folder, "cpu.max", $"{_quotaMicroseconds} {PeriodMicroseconds}");
            }
            else
            {
                Write(folder, "cpu.cfs_period_us", PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                Write(folder, "cpu.cfs_quota_us", _quotaMicroseconds.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Returns whether the kernel killed a process of <paramref name="group"/> on its memory limit.</summary>
    // v1 memory.oom_control and v2 memory.events both count the group's kills as "oom_kill N".
    public bool RanOutOfMemory(WorkerGroup group) =>
        Folders(group, Memory).Any(pair => Counted(Path.Combine(pair.Folder, pair.Tree.V2 ? "memory.events" : "memory.oom_control"), "oom_kill"));

    /// <summary>Returns whether a thread or process of <paramref name="group"/> was refused at its limit.</summary>
    public bool ReachedTaskLimit(WorkerGroup group) =>
        Folders(group, Pids).Any(pair => Counted(Path.Combine(pair.Folder, "pids.events"), "max"));

    /// <summary>Returns whether the counter <paramref name="name"/> (a line <c>name N</c>) of a group's file is above 0.</summary>
    private static bool Counted(string file, string name)
    {
        try
        {
            var counter = File.ReadLines(file).Select(line => line.Split(' ')).FirstOrDefault(fields => fields.Length == 2 && fields[0] == name);
            return counter is not null && long.TryParse(counter[1], CultureInfo.InvariantCulture, out var count) && count > 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Removes the groups of a worker that has ended (later, if its last process is still leaving them).</summary>
    public void Release(WorkerGroup group) => Release(group.Folders);

    private void Release(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Where(folder => !TryRemove(folder)))
        {
            _released.TryAdd(folder, 0);
        }
    }

    /// <summary>Removes the pool's groups and folders, waiting a little for workers killed just before to have left them.</summary>
    public void Dispose()
    {
        var patience = Stopwatch.StartNew();
        foreach (var tree in _trees)
        {
            while (!RemoveWithGroups(tree.Pool) && patience.Elapsed < ExitPatience)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Makes or joins the tree <paramref name="controller"/>'s groups go in, and bounds the pool's folder there with
    /// <paramref name="limitPool"/> (every worker's group is below it); returns why there is none, or null.</summary>
    private string? Add(string controller, string? configured, string poolName, Action<Tree>? limitPool)
    {
        var (parent, v2, problem) = CgroupParent.Locate(configured, controller);
        if (parent is null)
        {
            return problem;
        }

        var tree = _trees.FirstOrDefault(existing => existing.Parent == parent); // cgroup v2: one group serves every controller
        var created = tree is null;
        tree ??= new Tree(parent, Path.Combine(parent, poolName), v2);
        try
        {
            if (created)
            {
                RemoveLeftOvers(parent);
            }

            EnableBelow(tree, parent, controller);
            Directory.CreateDirectory(tree.Pool);
            EnableBelow(tree, tree.Pool, controller);
            limitPool?.Invoke(tree);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (created)
            {
                TryRemove(tree.Pool);
            }

            return $"the host cannot create {controller} groups in '{parent}' ({exception.Message}); set {CgroupParent.Setting} to a cgroup it may write.";
        }

        tree.Controllers.Add(controller);
        if (created)
        {
            _trees.Add(tree);
        }

        return null;
    }

    private IEnumerable<(Tree Tree, string Folder)> Folders(WorkerGroup group, string controller) =>
        _trees.Zip(group.Folders).Where(pair => pair.First.Controllers.Contains(controller));

    // v1: the limit, and the same for memory and swap together where swap is counted. v2: the limit, and no swap.
    private static void LimitMemory(string folder, bool v2, long bytes)
    {
        var limit = bytes.ToString(CultureInfo.InvariantCulture);
        Write(folder, v2 ? "memory.max" : "memory.limit_in_bytes", limit);
        var swap = Path.Combine(folder, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
        if (File.Exists(swap))
        {
            File.WriteAllText(swap, v2 ? "0" : limit);
        }
    }

    private static void LimitTasks(string folder, int tasks) => Write(folder, "pids.max", tasks.ToString(CultureInfo.InvariantCulture));

    // cgroup v2 only: a group's children get a controller once the group enables it for them.
    private static void EnableBelow(Tree tree, string folder, string controller)
    {
        if (tree.V2 && !File.ReadAllText(Path.Combine(folder, "cgroup.subtree_control")).Split(' ', '\n').Contains(controller))
        {
            Write(folder, "cgroup.subtree_control", "+" + controller);
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

    /// <summary>A folder of this pool's groups in one cgroup hierarchy, and the controllers it bounds.</summary>
    private sealed record Tree(string Parent, string Pool, bool V2)
    {
        public HashSet<string> Controllers { get; } = [];
    }
}
