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
        using var tenant = harness.Load(HostileConnectors.NativeHook($$"""
            var call = Libc<Syscall>("syscall");
            string Result(long value) => value >= 0 ? "ok" : "errno" + Marshal.GetLastPInvokeError();
            var buffer = Marshal.AllocHGlobal(256);
            for (var i = 0; i < 256; i++) { Marshal.WriteByte(buffer, i, 0); }
            var results = new List<string>();
            {{string.Concat(s_calls.Select(c => $"results.Add(\"{c.Name}=\" + Result(call({c.Number}, {c.Arguments})));\n"))}}
            return string.Join(" ", results);
            """, "long Syscall(long number, long a, long b, long c)"));
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var outcomes = result.Log.Single().Message;
        outcomes.Should().StartWith("ESCAPED:");
        var byCall = outcomes["ESCAPED:".Length..].Split(' ').Select(r => r.Split('=')).ToDictionary(r => r[0], r => r[1]);
        if (seccomp)
        {
            byCall.Should().AllSatisfy(call => call.Value.Should().Be("errno1", $"{call.Key} is refused by the filter"));
        }
        else
        {
            byCall.Where(call => call.Value != "errno1").Should().NotBeEmpty("without the filter these calls reach the kernel: " + outcomes);
            byCall["inotify_init1"].Should().Be("ok", "without the filter a worker takes inotify instances from the host's user");
        }
    }
}
