using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A worker holds at most <see cref="EngineDefaults.WorkerOpenFiles"/> descriptors (RLIMIT_NOFILE, which the runtime cannot
/// raise): a tenant opening files or pipes until refused is refused there, whatever the host's own limit (a million in
/// many containers), and the worker still answers. Control: the same connector in-process opens far more. Nor may a
/// worker dump core (RLIMIT_CORE 0, soft and hard), nor queue more than its share of signals (RLIMIT_SIGPENDING).
/// </summary>
public sealed class WorkerRlimitTests
{
    // Opens descriptors of one kind until the kernel refuses one (or 4 × the limit), closes them all, and says how many it held.
    private const string OpenUntilRefused = """
        var held = new List<IDisposable>();
        try
        {
            while (held.Count < 4 * {{limit}})
            {
                try { held.Add(File.OpenHandle("{{path}}")); }
                catch (IOException) { break; }
            }

            return held.Count.ToString();
        }
        finally
        {
            foreach (var handle in held) { handle.Dispose(); }
        }
        """;

    // The same with pipes made through libc (two descriptors each), past the runtime.
    private const string PipesUntilRefused = """
        var pipe = Libc<PipeCall>("pipe");
        var close = Libc<CloseCall>("close");
        var held = new List<int>();
        var pair = new int[2];
        while (held.Count < 4 * {{limit}} && pipe(pair) == 0) { held.Add(pair[0]); held.Add(pair[1]); }
        foreach (var fd in held) { close(fd); }
        return held.Count.ToString();
        """;

    [Theory]
    [InlineData(IsolationMode.Sandbox, "file", false)]
    [InlineData(IsolationMode.Sandbox, "pipe", false)]
    [InlineData(IsolationMode.Sandbox, "proc", false)]
    [InlineData(IsolationMode.InProcess, "file", true)] // control: the host's own limit
    [InlineData(IsolationMode.InProcess, "pipe", true)]
    public async Task AWorkerHoldsNoMoreDescriptorsThanItsLimit(IsolationMode isolation, string kind, bool escapes)
    {
        var limit = EngineDefaults.WorkerOpenFiles.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hook = kind switch
        {
            "pipe" => HostileConnectors.NativeHook(PipesUntilRefused.Replace("{{limit}}", limit, StringComparison.Ordinal), "int PipeCall(int[] fds)", "int CloseCall(int fd)"),
            _ => HostileConnectors.Hook(OpenUntilRefused.Replace("{{limit}}", limit, StringComparison.Ordinal)
                .Replace("{{path}}", kind == "file" ? "/dev/null" : "/proc/self/stat", StringComparison.Ordinal)),
        };

        using var harness = new EngineHarness(isolation: isolation, widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load(hook);
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var held = int.Parse(result.Log.Single().Message["ESCAPED:".Length..], System.Globalization.CultureInfo.InvariantCulture);

        if (escapes)
        {
            held.Should().BeGreaterThan(EngineDefaults.WorkerOpenFiles, "in the host's process only the host's own limit applies");
        }
        else
        {
            // A pipe is two descriptors; the worker's own (~30) count too.
            held.Should().BeInRange(EngineDefaults.WorkerOpenFiles / 2 - 100, EngineDefaults.WorkerOpenFiles);
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status
                .Should().Be(InvocationStatus.Succeeded, "the worker closed them and goes on serving");
        }
    }

    /// <summary>A worker may not dump core: a tenant that raises its core limit and crashes would hand its memory (the secrets
    /// it was given among it) to the machine's dump collector, one dump per crash. Its core limit is 0, soft and hard, so
    /// raising it fails; control: the host's process may raise its soft limit to its hard one.</summary>
    [Theory]
    [InlineData(IsolationMode.Sandbox, "refused 0 0")]
    [InlineData(IsolationMode.InProcess, "raised")]
    public async Task AWorkerCannotAllowItselfCoreDumps(IsolationMode isolation, string expected)
    {
        const string RaiseCoreLimit = """
            var getrlimit = Libc<LimitCall>("getrlimit");
            var setrlimit = Libc<LimitCall>("setrlimit");
            var limits = new ulong[2]; // soft, hard
            getrlimit(4, limits); // RLIMIT_CORE
            if (limits[1] == 0) { return "refused " + limits[0] + " " + limits[1]; }
            limits[0] = limits[1];
            return setrlimit(4, limits) == 0 ? "raised" : "refused " + Marshal.GetLastPInvokeError();
            """;
        using var harness = new EngineHarness(isolation: isolation, widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load(HostileConnectors.NativeHook(RaiseCoreLimit, "int LimitCall(int resource, ulong[] limits)"));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("ESCAPED:" + expected);
    }

    /// <summary>The kernel counts queued signals per user, and a worker of a host run as a user of its own is that user: one
    /// queuing signals to itself had taken all of them, leaving the host's runtime none to suspend its threads with for a
    /// collection. A worker queues at most <see cref="EngineDefaults.WorkerPendingSignals"/>; control: a thread of the host's
    /// process queues past that (its signals are dropped when the thread ends).</summary>
    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task AWorkerQueuesNoMoreSignalsThanItsLimit(IsolationMode isolation, bool escapes)
    {
        var limit = EngineDefaults.WorkerPendingSignals.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = """
            var block = Libc<MaskCall>("pthread_sigmask");
            var self = Libc<SelfCall>("pthread_self");
            var send = Libc<KillCall>("pthread_kill");
            var signal = Libc<RtMinCall>("__libc_current_sigrtmin")() + 3;
            var queued = 0;
            // On a thread of its own, which blocks the signal: what it queues to itself stays pending until the thread ends.
            var thread = new Thread(() =>
            {
                var set = new ulong[16];
                set[(signal - 1) / 64] = 1UL << ((signal - 1) % 64);
                block(0, set, IntPtr.Zero); // SIG_BLOCK
                var me = self();
                while (queued < 2 * LIMIT && send(me, signal) == 0) { queued++; }
            });
            thread.Start();
            thread.Join();
            return queued.ToString();
            """.Replace("LIMIT", limit, StringComparison.Ordinal);
        using var harness = new EngineHarness(isolation: isolation, widenPolicy: HostileConnectors.PolicyOff);
        using var tenant = harness.Load(HostileConnectors.NativeHook(body,
            "int MaskCall(int how, ulong[] set, IntPtr old)", "long SelfCall()", "int KillCall(long thread, int signal)", "int RtMinCall()"));

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var queued = int.Parse(result.Log.Single().Message["ESCAPED:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        if (escapes)
        {
            queued.Should().Be(2 * EngineDefaults.WorkerPendingSignals, "in the host's process only the host's own limit applies");
        }
        else
        {
            queued.Should().BeInRange(EngineDefaults.WorkerPendingSignals - 16, EngineDefaults.WorkerPendingSignals);
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status
                .Should().Be(InvocationStatus.Succeeded, "the worker goes on serving");
        }
    }
}
