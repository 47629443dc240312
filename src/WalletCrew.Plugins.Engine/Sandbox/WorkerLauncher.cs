using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Starts a tenant's worker inside bubblewrap. The argument list below is the sandbox, top to bottom: every namespace new,
/// no capabilities, an unprivileged uid, read-only system libraries, runtime and worker program, that tenant's files and
/// compiled images only, a private /tmp, and an environment that holds nothing of the host's; and a seccomp filter
/// (<see cref="SeccompFilter"/>) under all of it. A root host starts it as a user of its own (<see cref="WorkerUser"/>).
/// </summary>
internal sealed class WorkerLauncher : IDisposable
{
    /// <summary>Where the tenant's folder and its compiled images appear inside the sandbox.</summary>
    public const string TenantsMount = "/tenants";

    public const string CacheMount = "/cache";

    /// <summary>The size of a worker's private /tmp, the only place it may write: memory the kernel holds for the worker.</summary>
    public const long ScratchBytes = 64L * 1024 * 1024;

    private const string WorkerMount = "/worker";
    private const string WorkerProgram = "WalletCrew.Plugins.Worker.dll";
    private const string Prlimit = "/usr/bin/prlimit";

    // The devices in a worker's /dev, bound from the host's: nothing else, so no pseudo-terminal (bubblewrap's own /dev has
    // /dev/ptmx and a devpts: the tty layer and its line disciplines are kernel code a worker has no use for, and the
    // machine's terminals are few and shared) and no /dev/shm.
    private static readonly string[] s_devices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"];

    private readonly string _bwrap;
    private readonly string _workerDirectory;

    // A root host's: the uids its workers run as (WorkerUser, null: they stay root), or why they stay root.
    private readonly WorkerUids? _uids;
    private readonly int? _sharedUid;
    private readonly string? _asRootProblem;

    private readonly string _dotnetRoot;
    private readonly IReadOnlyList<string> _systemFiles;
    private readonly SandboxOptions _options;
    private readonly WorkerGroups _groups;

    // Whether the start's shell can bound the worker's queued signals (prlimit, from util-linux).
    private readonly bool _signalLimit = File.Exists(Prlimit);

    // Without pids groups: the bound on the host user's threads and processes each worker starts with (UserTasks), or 0.
    private readonly int _userTasks;

    // The seccomp filter's BPF program, written once in a folder of this launcher's own (mode 0700), or null without one,
    // and why there is none though it is on (libseccomp missing).
    private readonly string? _seccompFolder;
    private readonly string? _seccomp;
    private readonly string? _seccompProblem;

    public WorkerLauncher(SandboxOptions options)
    {
        _options = options;
        _bwrap = SandboxProbe.FindBubblewrap(options.BubblewrapPath) ?? throw new InvalidOperationException(SandboxMessages.BubblewrapMissing);
        var program = ProgramPath(options);
        _workerDirectory = Path.GetDirectoryName(program)!;
        if (!File.Exists(program))
        {
            throw new InvalidOperationException(SandboxMessages.WorkerMissing(program));
        }

        _dotnetRoot = DotnetRoot;
        var systemFiles = SystemFiles.Paths(_dotnetRoot);
        _systemFiles = SystemFiles.Binds(systemFiles);
        if (WorkerUser.HostIsRoot && options.WorkerUsers != WorkerUsers.Root)
        {
            _asRootProblem = WorkerUser.Unreachable(systemFiles) is { } unreachable ? SandboxMessages.Unreachable(unreachable) : WorkerUser.Problem(_bwrap);
            if (_asRootProblem is null)
            {
                _uids = WorkerUids.Shared;
                _sharedUid = options.WorkerUsers == WorkerUsers.Nobody ? WorkerUser.Nobody : null;
                _workerDirectory = WorkerUser.ReachableProgram(_workerDirectory);
            }
        }

        if (options.Seccomp)
        {
            _seccompFolder = TempFolders.Create("wcp-seccomp-");
            var filter = Path.Combine(_seccompFolder, "filter.bpf");
            _seccompProblem = SeccompFilter.TryWrite(filter);
            _seccomp = _seccompProblem is null ? filter : null;
        }

        _groups = new WorkerGroups(options);
        if ((_groups.CpuProblem ?? _groups.MemoryProblem ?? _groups.TasksProblem) is { } problem && options.CgroupDirectory is not null)
        {
            Dispose();
            throw new InvalidOperationException(SandboxMessages.GroupsUnavailable(problem));
        }

        _userTasks = _groups.PoolFolder("pids") is null ? UserTasks.Bound(options.WorkersTasks) : 0;
    }

    /// <summary>Gets what bounds each worker beside the namespaces, and why a layer the host would give is missing.</summary>
    public SandboxLayers Layers => new(
        _seccomp is not null, _groups.PoolFolder("cpu") is not null, _groups.PoolFolder("memory") is not null, _groups.PoolFolder("pids") is not null,
        !WorkerUser.HostIsRoot || _uids is not null,
        [
            .. _asRootProblem is { } asRoot ? [SandboxMessages.AsRoot(asRoot)] : Array.Empty<string>(),
            .. _signalLimit ? Array.Empty<string>() : [SandboxMessages.WithoutSignalLimit(Prlimit)],
            .. _seccompProblem is { } seccomp ? [SandboxMessages.WithoutSeccomp(seccomp)] : Array.Empty<string>(),
            .. _groups.CpuProblem is { } cpu ? [SandboxMessages.WithoutCpuCap(cpu)] : Array.Empty<string>(),
            .. _groups.MemoryProblem is { } memory ? [SandboxMessages.WithoutMemoryGroup(memory)] : Array.Empty<string>(),
            .. _groups.TasksProblem is { } tasks ? [SandboxMessages.WithoutTaskLimit(tasks, _userTasks)] : Array.Empty<string>(),
        ]);

    /// <summary>Gets the folder holding the workers' groups of <paramref name="controller"/> (<c>cpu</c>, <c>memory</c>, <c>pids</c>), or null.</summary>
    public string? GroupFolder(string controller) => _groups.PoolFolder(controller);

    public void Dispose()
    {
        _groups?.Dispose();
        if (_seccompFolder is not null && Directory.Exists(_seccompFolder))
        {
            Directory.Delete(_seccompFolder, recursive: true);
        }
    }

    /// <summary>Gets the folder of the .NET installation this process runs on (<c>…/dotnet/shared/Microsoft.NETCore.App/&lt;version&gt;/</c> → <c>…/dotnet</c>).</summary>
    public static string DotnetRoot { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Returns where the worker program is: <see cref="SandboxOptions.WorkerDirectory"/>, else <c>worker/</c> next to the application.</summary>
    public static string ProgramPath(SandboxOptions options) =>
        Path.GetFullPath(Path.Combine(options.WorkerDirectory ?? Path.Combine(AppContext.BaseDirectory, "worker"), WorkerProgram));

    /// <summary>Returns the runtime settings every child process of the engine (worker or compiler) starts with: its GC heap
    /// hard limit, no diagnostics socket or pipe, no dynamic PGO (short-lived processes never repay it), and pool threads
    /// that sleep at once when idle instead of spinning first: the cores a worker would spin on are the host's and other
    /// tenants' (a third less worker CPU per delivered event, benchmarks.md §6).</summary>
    public static IEnumerable<(string Name, string Value)> RuntimeSettings(long heapLimitBytes) =>
    [
        ("DOTNET_GCHeapHardLimit", heapLimitBytes.ToString("X", CultureInfo.InvariantCulture)),
        ("DOTNET_EnableDiagnostics", "0"),
        ("DOTNET_TieredPGO", "0"),
        ("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0"),
    ];

    /// <summary>Returns whether a worker of the tenant whose folders are <paramref name="tenantDirectory"/> and
    /// <paramref name="tenantCacheDirectory"/> can bind them: always, but where workers change user (<see cref="WorkerUser"/>)
    /// and others cannot reach one of them. Such a tenant's worker is started in a slot of its own (<see cref="StartInSlot"/>).</summary>
    public bool CanBind(string tenantDirectory, string tenantCacheDirectory) =>
        _uids is null || WorkerUser.Unreachable([tenantDirectory, tenantCacheDirectory]) is null;

    /// <summary>Starts the worker of <paramref name="tenantId"/> with its folders bound (<see cref="CanBind"/>); its channel is
    /// the process's stdin and stdout.</summary>
    public StartedWorker Start(string tenantId, string tenantDirectory, string tenantCacheDirectory, long heapLimitBytes) =>
        Start(Arguments(tenantId, tenantDirectory, tenantCacheDirectory, heapLimitBytes), heapLimitBytes);

    /// <summary>Starts a worker whose mounts are <paramref name="slot"/>'s folders: a spare, for no tenant yet (it practises a
    /// load while it waits), or a tenant's whose folders it cannot bind, with copies of them (<see cref="SpareSlot"/>).</summary>
    public StartedWorker StartInSlot(SpareSlot slot, long heapLimitBytes, bool spare) => Start(SlotArguments(slot, heapLimitBytes, spare), heapLimitBytes);

    /// <summary>Returns the most memory a worker with a GC heap limit of <paramref name="heapLimitBytes"/> may hold: its heap
    /// plus what the runtime, the JIT and code need beside it. Its data segment is limited to it (native allocations past it
    /// fail: the worker ends on its memory limit), and the host kills a worker whose resident memory passes it. Its memory
    /// group holds it to this plus its scratch space.</summary>
    public static long MemoryLimitBytes(long heapLimitBytes) => heapLimitBytes + EngineDefaults.WorkerRssOverheadBytes;

    /// <summary>The whole bubblewrap command line after the executable (public for the docs' example and its test).</summary>
    public IReadOnlyList<string> Arguments(string tenantId, string tenantDirectory, string tenantCacheDirectory, long heapLimitBytes) =>
        Arguments(tenantDirectory, $"{TenantsMount}/{tenantId}", tenantCacheDirectory, $"{CacheMount}/{tenantId}", heapLimitBytes, spare: false);

    /// <summary>A slot worker's command line: the same sandbox, with the slot's folders bound where a tenant's worker finds its tenant's.</summary>
    private IReadOnlyList<string> SlotArguments(SpareSlot slot, long heapLimitBytes, bool spare) =>
        Arguments(slot.Tenants, TenantsMount, slot.Cache, CacheMount, heapLimitBytes, spare);

    private StartedWorker Start(IReadOnlyList<string> arguments, long heapLimitBytes)
    {
        var memoryLimit = MemoryLimitBytes(heapLimitBytes);
        var group = _groups.Create(memoryLimit + ScratchBytes);
        var user = _uids?.Rent();
        var command = Command(group, memoryLimit, user, arguments);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Nothing of the host's environment, not even to bubblewrap: its --clearenv clears only the worker's, and
        // bubblewrap's own process, the sandbox's process 1, runs as the worker's user, so its environment (API keys,
        // connection strings) would be readable at /proc/1/environ. Every command here is named by its full path, and the
        // shell's only variable, PWD, is the root, not the host's working folder.
        start.Environment.Clear();
        start.WorkingDirectory = "/";
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = ProcessStarter.Start(start);
        }
        catch
        {
            group?.Release();
            user?.Dispose();
            throw;
        }

        return new StartedWorker(process, group, memoryLimit, user);
    }

    /// <summary>The command that starts a worker in <paramref name="group"/> (none: null) below the host's threads, as
    /// <paramref name="user"/>'s uid (none: the host's user).</summary>
    private IReadOnlyList<string> Command(WorkerGroup? group, long memoryLimitBytes, WorkerUids.Lease? user, IReadOnlyList<string> arguments)
    {
        // Before bubblewrap, a shell does what must precede the sandbox, then becomes bubblewrap (exec: the same process,
        // nothing left running): it limits the data segment (RLIMIT_DATA, private writable memory: the GC's committed heap,
        // native allocations, thread stacks), so memory outside the GC heap cannot grow past the worker's limit between two of
        // the host's readings of its resident memory; it limits the descriptors it may hold (RLIMIT_NOFILE, soft and hard, so
        // the runtime, which raises its soft limit to the hard one at start, keeps it) and forbids core dumps (RLIMIT_CORE 0,
        // soft and hard: a crash a tenant provokes must not hand its memory, secrets included, to the machine's dump
        // collector, nor fill its disk and cores with dumps, one per crash) and bounds its queued signals (RLIMIT_SIGPENDING,
        // counted per user: the host's, where workers run as its user); without pids groups, it bounds its
        // user's threads and processes (RLIMIT_NPROC, UserTasks); it joins the worker's groups (one per cgroup hierarchy), so
        // nothing of the worker ever runs outside them; it opens the seccomp program as descriptor 3, which bubblewrap reads (a .NET
        // child inherits no descriptor but the standard three); and a root host's becomes the workers' user last (WorkerUser).
        var dataKib = (memoryLimitBytes / 1024).ToString(CultureInfo.InvariantCulture);
        List<string> steps =
        [
            $"ulimit -d {dataKib} || exit {WorkerExitCodes.MemoryLimitNotSet}; ",
            $"{{ ulimit -n {EngineDefaults.WorkerOpenFiles} && ulimit -c 0; }} || exit {WorkerExitCodes.LimitsNotSet}; ",
        ];
        if (_signalLimit)
        {
            // dash has no ulimit for queued signals.
            steps.Add($"{Prlimit} --pid $$ --sigpending={EngineDefaults.WorkerPendingSignals}:{EngineDefaults.WorkerPendingSignals} || exit {WorkerExitCodes.LimitsNotSet}; ");
        }

        List<string> values = [];
        if (_userTasks > 0)
        {
            // Processes are -u in bash and -p in dash (Debian's sh); both set the soft and the hard limit.
            steps.Add($"{{ ulimit -u {_userTasks} 2>/dev/null || ulimit -p {_userTasks}; }} || exit {WorkerExitCodes.TaskLimitNotSet}; ");
        }

        foreach (var folder in group?.Folders ?? [])
        {
            steps.Add($"echo $$ > \"$1/cgroup.procs\" || exit {WorkerExitCodes.GroupNotJoined}; shift; ");
            values.Add(folder);
        }

        if (_seccomp is not null)
        {
            steps.Add($"exec 3<\"$1\" || exit {WorkerExitCodes.SeccompNotOpened}; shift; ");
            values.Add(_seccomp);
        }

        // Below the host's own threads: a worker that spins, even while its calls keep it busy, takes what the host leaves.
        IReadOnlyList<string> asUser = user is null ? [] : WorkerUser.Command(_sharedUid ?? user.Uid);
        IReadOnlyList<string> sandbox = [.. asUser, _bwrap, .. _seccomp is null ? Array.Empty<string>() : ["--seccomp", "3"], .. arguments];
        return BelowHost.Command(["/bin/sh", "-c", string.Concat(steps) + "exec \"$@\"", "wcp-worker", .. values, .. sandbox]);
    }

    private List<string> Arguments(string tenantSource, string tenantTarget, string cacheSource, string cacheTarget, long heapLimitBytes, bool spare)
    {
        var uid = WorkerUser.Nobody.ToString(CultureInfo.InvariantCulture);
        List<string> arguments =
        [
            // Namespaces: user, PID, network (loopback only, down), IPC, UTS, cgroup, mount. Dies with the host; no tty.
            "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", uid, "--gid", uid, "--hostname", "wcp-worker",

            // Read-only system: the .NET runtime, the native libraries it loads and the time zones (SystemFiles); nothing else of
            // /usr (no program to start), and nothing from /etc, /home, /root, /var or the host's /tmp.
            .. _systemFiles,
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--ro-bind", _workerDirectory, WorkerMount,

            // This tenant only: its files and its compiled images, read-only (a spare: two empty folders the host fills at the claim).
            "--ro-bind", tenantSource, tenantTarget,
            "--ro-bind", cacheSource, cacheTarget,

            // Private, empty, size-capped scratch space; a /proc of the new PID namespace and a /dev of the devices a program
            // may use (s_devices). Then nothing but the scratch space is writable: bubblewrap's root and /dev are memory file
            // systems the size of half the machine's memory, held outside every process's resident memory (a file in /dev/shm
            // filled the host's memory unseen).
            "--size", ScratchBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp",
            "--proc", "/proc", "--tmpfs", "/dev",
            .. s_devices.SelectMany(device => new[] { "--dev-bind", device, device }),
            "--symlink", "/proc/self/fd", "/dev/fd",
            "--symlink", "/proc/self/fd/0", "/dev/stdin", "--symlink", "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr",
            "--remount-ro", "/dev", "--remount-ro", "/",

            // Nothing of the host's environment (API keys, connection strings) crosses.
            "--clearenv",
            "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp",
            .. RuntimeSettings(heapLimitBytes).SelectMany(setting => new[] { "--setenv", setting.Name, setting.Value }),
            "--chdir", "/tmp",
            Path.Combine(_dotnetRoot, "dotnet"), "exec", $"{WorkerMount}/{WorkerProgram}",
            .. spare ? [WorkerWarmUp.SpareMode] : Array.Empty<string>(),
        ];
        return arguments;
    }
}
