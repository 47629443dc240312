using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A machine has few process ids (32,768 by default) and every thread takes one: a tenant past the policy that starts
/// thousands of threads with small stacks (under its data segment's limit), managed or native, could leave the host none
/// to start a thread or a worker with; the same with processes it forks (it has no program to start, but can copy itself).
/// Each worker's pids group refuses its threads and processes past <see cref="EngineDefaults.WorkerTasks"/> together. The control: without the group the same code starts
/// every one of them. The seccomp filter refuses processes before the group sees them (SeccompTests), so the forking code
/// runs without it here: each layer is tried on its own.
/// </summary>
public sealed class TaskLimitTests
{
    private const int Asked = 700; // past the limit of 512

    public static TheoryData<string, string> Spawners => new()
    {
        { "threads with 64 KiB stacks", Threads(Asked) },
        { "native threads with 64 KiB stacks", NativeThreads(Asked) },
        {
            "processes forked from the worker",
            HostileConnectors.NativeHook($$"""
            // fork, each child waiting in libc's pause (the delegate's code is compiled before the first fork).
            var fork = Libc<NoArguments>("fork");
            var pause = Libc<NoArguments>("pause");
            var started = 0;
            for (; started < {{Asked}}; started++)
            {
                var child = fork();
                if (child == 0) { while (true) { pause(); } }
                if (child < 0) { return started + " then fork failed"; }
            }

            return started.ToString();
            """, "int NoArguments()")
        },
    };

    /// <summary>Workers each within their limit can together take the machine's process ids (64 × 512 is all of the default
    /// 32,768): their pids groups' parent bounds them together (<see cref="EngineDefaults.WorkersTasks"/>). One tenant's
    /// worker holds 300 threads, then another's asks for 300 against a bound of 400 for both and gets fewer, its group counting
    /// the refusal; the control, without the bound: both start theirs.</summary>
    [Theory]
    [InlineData(400, true)]
    [InlineData(0, false)]
    public async Task WorkersTogetherAreBoundedSoTheyCannotTakeTheMachinesProcessIds(int workersTasks, bool bounded)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(30), sandbox: new SandboxOptions { SpareWorkers = 0, WorkersTasks = workersTasks });
        using var second = new TenantFolder("second-tenant");
        var spawn = Threads(300);
        second.WriteScript("connector.csx", spawn);
        using var first = harness.Load(spawn);
        using var other = harness.Engine.LoadTenant(second.Directory);
        first.Diagnostics.Concat(other.Diagnostics).Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        harness.Engine.Workers!.Layers.TaskLimit.Should().BeTrue("this test needs a cgroup the host may write (CI runs as root)");

        var held = await first.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        var asked = await other.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        held.Log.Single().Message.Should().Be("ESCAPED:300", held.Error);
        if (bounded)
        {
            asked.Log.Single().Message.Should().MatchRegex("^ESCAPED:[0-9]+ then ", "the second worker's threads met the bound of both: {0}", asked.Error);
            var worker = ((SandboxedTenant)other.Runtime).WorkerProcessId!.Value;
            var group = Directory.GetDirectories(harness.Engine.Workers!.Launcher.GroupFolder("pids")!)
                .Single(folder => File.ReadAllText(Path.Combine(folder, "cgroup.procs")).Split('\n').Contains(worker.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            File.ReadLines(Path.Combine(group, "pids.events")).Should().NotContain("max 0", "the second worker's group counted the refusal");
        }
        else
        {
            asked.Log.Single().Message.Should().Be("ESCAPED:300", asked.Error);
        }
    }

    [Theory]
    [MemberData(nameof(Spawners))]
    public async Task AWorkersThreadsAndProcessesStopAtItsLimit(string kind, string spawn)
    {
        var (outcome, refused) = await SpawnAsync(spawn, resourceGroups: true, seccomp: !Forks(kind));

        outcome.Should().NotBe($"ESCAPED:{Asked}", kind);
        refused.Should().BeTrue("the group counted a refused thread or process");
    }

    [Theory]
    [MemberData(nameof(Spawners))]
    public async Task NegativeControl_WithoutItsPidsGroupAWorkerStartsThemAll(string kind, string spawn)
    {
        var (outcome, _) = await SpawnAsync(spawn, resourceGroups: false, seccomp: !Forks(kind));

        outcome.Should().Be($"ESCAPED:{Asked}", kind);
    }

    private static bool Forks(string kind) => kind.StartsWith("processes", StringComparison.Ordinal);

    // Each thread waits on a gate no one opens, in the framework's code (the tenant's would meet its stack checkpoints).
    private static string Threads(int asked) => HostileConnectors.Hook($$"""
        var gate = new ManualResetEventSlim();
        var started = 0;
        try
        {
            for (; started < {{asked}}; started++) { new Thread(gate.Wait, 64 * 1024) { IsBackground = true }.Start(); }
        }
        catch (Exception e) { return started + " then " + e.GetType().Name; }
        return started.ToString();
        """);

    // pthread_create with libc's pause as the thread's code: each thread waits for a signal that never comes.
    private static string NativeThreads(int asked) => HostileConnectors.NativeHook($$"""
        var create = Libc<Create>("pthread_create");
        var pause = NativeLibrary.GetExport(libc, "pause");
        var attributes = Marshal.AllocHGlobal(256);
        var thread = Marshal.AllocHGlobal(8);
        Libc<Init>("pthread_attr_init")(attributes);
        Libc<StackSize>("pthread_attr_setstacksize")(attributes, 64 * 1024);
        var started = 0;
        for (; started < {{asked}}; started++)
        {
            if (create(thread, attributes, pause, IntPtr.Zero) is var error and not 0) { return started + " then error " + error; }
        }

        return started.ToString();
        """, "int Create(IntPtr thread, IntPtr attributes, IntPtr start, IntPtr argument)", "int Init(IntPtr attributes)", "int StackSize(IntPtr attributes, nint size)");

    /// <summary>Runs the spawning hook in a worker with or without its resource groups; returns what it logged and whether
    /// the worker's pids group refused one (read while the worker runs).</summary>
    private static async Task<(string Outcome, bool Refused)> SpawnAsync(string spawn, bool resourceGroups, bool seccomp)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(30), sandbox: new SandboxOptions { SpareWorkers = 0, ResourceGroups = resourceGroups, Seccomp = seccomp });
        using var tenant = harness.Load(spawn);
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var folder = harness.Engine.Workers!.Launcher.GroupFolder("pids");
        if (resourceGroups)
        {
            harness.Engine.Workers!.Layers.TaskLimit.Should().BeTrue("this test needs a cgroup the host may write (CI runs as root)");
        }

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var refused = folder is not null && Directory.GetDirectories(folder)
            .Any(group => File.ReadLines(Path.Combine(group, "pids.events")).Any(line => line.StartsWith("max ", StringComparison.Ordinal) && line != "max 0"));
        return (result.Log.Single().Message, refused);
    }
}
