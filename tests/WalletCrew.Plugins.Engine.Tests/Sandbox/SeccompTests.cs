using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The workers' seccomp filter: a hostile connector (policy off) calling the kernel through libc's <c>syscall</c> gets
/// <c>EPERM</c> for the interfaces a worker never needs; the same calls in the same sandbox without the filter (the
/// negative control) reach the kernel, which proves the test can fail.
/// </summary>
public sealed class SeccompTests
{
    // x86-64 system call numbers, and what each call is given: a harmless query where one exists.
    private static readonly (string Name, long Number, string Arguments)[] s_calls =
    [
        ("keyctl", 250, "0, -3, 0"),            // KEYCTL_GET_KEYRING_ID of the session keyring
        ("personality", 135, "0xffffffff, 0, 0"), // query the execution domain
        ("io_uring_setup", 425, "1, buffer, 0"),  // a one-entry ring
        ("userfaultfd", 323, "0, 0, 0"),
        ("unshare", 272, "0, 0, 0"),              // unshare nothing
        ("inotify_init1", 294, "0, 0, 0"),        // one of the host user's 128 inotify instances
        ("mq_open", 240, "buffer, 0, 0"),         // an empty queue name
    ];

    // Refused for their arguments: sockets of any family but AF_UNIX (each one made is left open: the worker ends with the test).
    private static readonly (string Name, long Number, string Arguments)[] s_sockets =
    [
        ("socket-inet", 41, "2, 1, 0, 0"),  // AF_INET, SOCK_STREAM
        ("socket-alg", 41, "38, 5, 0, 0"),  // AF_ALG, SOCK_SEQPACKET: the kernel's crypto
        ("socket-vsock", 41, "40, 1, 0, 0"), // AF_VSOCK: a virtual machine's host, which no network namespace isolates
        ("socketpair-inet", 53, "2, 1, 0, buffer"),
    ];

    // Allowed under the filter: a socket of AF_UNIX, so the test shows the filter reads the family.
    private const string UnixSocket = "socket-unix";

    [Fact]
    public void TheFilterRefusesOnlyCallsThisKernelKnows()
    {
        SeccompFilter.Refused.Should().Contain(s_calls.Select(c => c.Name));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KernelInterfacesAWorkerNeverNeedsFailWithEperm(bool seccomp)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { Seccomp = seccomp });
        (string Name, long Number, string Arguments)[] calls = [.. s_calls.Select(c => (c.Name, c.Number, c.Arguments + ", 0")), .. s_sockets, (UnixSocket, 41, "1, 1, 0, 0")];
        using var tenant = harness.Load(HostileConnectors.NativeHook($$"""
            var call = Libc<Syscall>("syscall");
            string Result(long value) => value >= 0 ? "ok" : "errno" + Marshal.GetLastPInvokeError();
            var buffer = Marshal.AllocHGlobal(256);
            for (var i = 0; i < 256; i++) { Marshal.WriteByte(buffer, i, 0); }
            var results = new List<string>();
            {{string.Concat(calls.Select(c => $"results.Add(\"{c.Name}=\" + Result(call({c.Number}, {c.Arguments})));\n"))}}
            return string.Join(" ", results);
            """, "long Syscall(long number, long a, long b, long c, long d)"));
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var outcomes = result.Log.Single().Message;
        outcomes.Should().StartWith("ESCAPED:");
        var byCall = outcomes["ESCAPED:".Length..].Split(' ').Select(r => r.Split('=')).ToDictionary(r => r[0], r => r[1]);
        byCall[UnixSocket].Should().Be("ok", "a socket of AF_UNIX is allowed, with the filter or without");
        if (seccomp)
        {
            byCall.Where(call => call.Key != UnixSocket).Should().AllSatisfy(call => call.Value.Should().Be("errno1", $"{call.Key} is refused by the filter"));
        }
        else
        {
            byCall.Where(call => call.Value != "errno1").Should().NotBeEmpty("without the filter these calls reach the kernel: " + outcomes);
            byCall["inotify_init1"].Should().Be("ok", "without the filter a worker takes inotify instances from the host's user");
            byCall["socket-inet"].Should().Be("ok", "without the filter a worker makes sockets of any family");
        }
    }

    /// <summary>
    /// A worker makes no process: it has no program to start, and copies of itself would multiply what the kernel counts
    /// per process. fork (the C library's, which calls clone without CLONE_THREAD) fails with EPERM while threads start as
    /// ever (the worker runs the hook on them); the control, without the filter: the fork succeeds, its child exiting at once.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWorkerCannotForkItself(bool seccomp)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { Seccomp = seccomp });
        using var tenant = harness.Load(HostileConnectors.NativeHook("""
            var fork = Libc<NoArguments>("fork");
            var exit = Libc<Exit>("_exit");
            var thread = new Thread(() => { }); // a thread still starts
            thread.Start();
            thread.Join();
            var child = fork();
            if (child == 0) { exit(0); }
            return child > 0 ? "forked" : "errno" + Marshal.GetLastPInvokeError();
            """, "int NoArguments()", "void Exit(int code)"));
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be(seccomp ? "ESCAPED:errno1" : "ESCAPED:forked");
    }
}
