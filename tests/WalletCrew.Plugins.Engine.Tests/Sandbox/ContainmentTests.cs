using System.Net;
using System.Net.Sockets;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Hostile connectors with the API policy switched off: in the sandbox each attack is blocked; the same connector
/// in-process (the negative control) succeeds, which proves each test can fail.
/// </summary>
public sealed class ContainmentTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("wcp-outside-").FullName;

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task ACanaryFileOutsideTheImageCannotBeRead(IsolationMode isolation, bool escapes)
    {
        var canary = Path.Combine(_outside, "canary.txt");
        File.WriteAllText(canary, "canary-7f3a");

        var outcome = await AttackAsync(isolation, $"return File.ReadAllText(@\"{canary}\");");

        outcome.Should().Be(escapes ? "ESCAPED:canary-7f3a" : "BLOCKED:DirectoryNotFoundException");
    }

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task AFileCannotBeCreatedOutsideThePrivateTmp(IsolationMode isolation, bool escapes)
    {
        var target = Path.Combine(_outside, "planted.txt");

        var outcome = await AttackAsync(isolation, $"File.WriteAllText(@\"{target}\", \"x\"); return \"written\";");

        File.Exists(target).Should().Be(escapes);
        outcome.Should().StartWith(escapes ? "ESCAPED" : "BLOCKED");
    }

    /// <summary>Memory file systems outside the scratch space: a file there is memory the kernel holds for the worker, in no
    /// process's resident memory (bubblewrap's root and /dev, the size of half the machine's memory, were writable).</summary>
    [Theory]
    [InlineData(IsolationMode.Sandbox, "/dev/shm", false)]
    [InlineData(IsolationMode.Sandbox, "/dev", false)]
    [InlineData(IsolationMode.Sandbox, "/", false)]
    [InlineData(IsolationMode.Sandbox, "/tmp", true)] // control: the scratch space is the worker's
    [InlineData(IsolationMode.InProcess, "/dev/shm", true)] // control: the same attack without the sandbox
    public async Task NothingButTheScratchSpaceIsWritable(IsolationMode isolation, string folder, bool escapes)
    {
        // 16 MiB in a file of its own, removed again (in-process, the host's /dev/shm is written).
        var outcome = await AttackAsync(isolation, $$"""
            var path = Path.Combine("{{folder}}", "wcp-filler-" + Guid.NewGuid().ToString("N"));
            try
            {
                using (var file = File.Create(path)) { var block = new byte[1024 * 1024]; for (var i = 0; i < 16; i++) { file.Write(block); } }
                return new FileInfo(path).Length.ToString();
            }
            finally { File.Delete(path); }
            """);

        // A worker's /dev has no shm folder (NoPseudoTerminalCanBeOpened); the others are read-only.
        outcome.Should().Be(escapes ? $"ESCAPED:{16 * 1024 * 1024}" : folder == "/dev/shm" ? "BLOCKED:DirectoryNotFoundException" : "BLOCKED:IOException");
    }

    /// <summary>A pseudo-terminal is kernel code a worker has no use for (the tty layer, its line disciplines) and the machine's
    /// terminals are shared: a worker's /dev has none, however it asks. The control: the host's process opens one.</summary>
    [Theory]
    [InlineData(IsolationMode.Sandbox, "ptmx", false)]
    [InlineData(IsolationMode.Sandbox, "pts/ptmx", false)]
    [InlineData(IsolationMode.Sandbox, "posix_openpt", false)]
    [InlineData(IsolationMode.Sandbox, "mount devpts", false)]
    [InlineData(IsolationMode.InProcess, "posix_openpt", true)]
    [InlineData(IsolationMode.InProcess, "ptmx", true)]
    public async Task NoPseudoTerminalCanBeOpened(IsolationMode isolation, string how, bool escapes)
    {
        var open = how switch
        {
            "ptmx" or "pts/ptmx" => $"var fd = Libc<Open>(\"open\")(\"/dev/{how}\", 0x102);", // O_RDWR | O_NOCTTY
            "posix_openpt" => "var fd = Libc<OpenPt>(\"posix_openpt\")(0x102);",
            _ => """
                Directory.CreateDirectory("/tmp/pts");
                var mounted = Libc<Mount>("mount")("devpts", "/tmp/pts", "devpts", 0, "newinstance,ptmxmode=0666");
                var fd = mounted == 0 ? Libc<Open>("open")("/tmp/pts/ptmx", 0x102) : -1;
                """,
        };
        var outcome = await AttackAsync(isolation, HostileConnectors.NativeBody($$"""
            {{open}}
            if (fd < 0) { return "refused " + Marshal.GetLastPInvokeError(); }
            Libc<Close>("close")(fd);
            return "opened";
            """, "int Open(string path, int flags)", "int OpenPt(int flags)", "int Close(int fd)", "int Mount(string source, string target, string type, nint flags, string data)"));

        outcome.Should().StartWith(escapes ? "ESCAPED:opened" : "ESCAPED:refused");
    }

    /// <summary>Of the host's /usr a worker sees the runtime it runs on and the libraries that runtime loads, nothing else: no
    /// program to start, no SDK, no other framework, no other library.</summary>
    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task NoProgramOrFileOfTheHostsBeyondTheRuntimeIsThere(IsolationMode isolation, bool escapes)
    {
        var root = WorkerLauncher.DotnetRoot;
        string[] paths = ["/bin/sh", "/usr/bin", Path.Combine(root, "sdk"), Path.Combine(root, "shared", "Microsoft.AspNetCore.App"), "/usr/lib/x86_64-linux-gnu/libz.so.1"];
        paths.Should().OnlyContain(path => File.Exists(path) || Directory.Exists(path), "the test machine has each of them");

        var list = string.Join(", ", paths.Select(path => "\"" + path + "\""));
        var outcome = await AttackAsync(isolation, $$"""
            string[] paths = [{{list}}];
            return string.Join(",", paths.Select(path => File.Exists(path) || Directory.Exists(path)));
            """);

        outcome.Should().Be("ESCAPED:" + string.Join(",", paths.Select(_ => escapes)));
    }

    [Fact]
    public async Task TheHostsProcessesAreNotThere()
    {
        var host = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var outcome = await AttackAsync(IsolationMode.Sandbox, "return Process.GetProcesses().Length + \" \" + Process.GetProcesses().Any(p => p.Id == " + host + ");");

        outcome.Should().MatchRegex("^ESCAPED:[1-3] False$", "only the sandbox's own processes are there, in a PID namespace of its own");
    }

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task AProcessItStartsCannotTouchTheHost(IsolationMode isolation, bool escapes)
    {
        var marker = Path.Combine(_outside, "marker");
        var hostPid = Environment.ProcessId;

        // In the sandbox there is no shell to start (only the runtime's files are there), and a kill would aim at a PID namespace
        // of its own; in-process only the marker is tried (never kill the test run).
        var kill = isolation == IsolationMode.Sandbox ? $"kill -9 {hostPid}; " : "";
        var outcome = await AttackAsync(isolation, $$"""
            var p = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "{{kill}}touch {{marker}}" }, RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode.ToString();
            """);

        File.Exists(marker).Should().Be(escapes, outcome);
        Environment.ProcessId.Should().Be(hostPid); // still here
    }

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task NoSocketOpensNotEvenToLoopback(IsolationMode isolation, bool escapes)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();

        var outcome = await AttackAsync(isolation, $"using var c = new TcpClient(); await c.ConnectAsync(\"127.0.0.1\", {port}); return \"connected\";");

        outcome.Should().Be(escapes ? "ESCAPED:connected" : "BLOCKED:SocketException");
        (await Task.WhenAny(accepted, Task.Delay(escapes ? 5000 : 300)) == accepted).Should().Be(escapes);
    }

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task TheHostsEnvironmentIsNotVisible(IsolationMode isolation, bool escapes)
    {
        Environment.SetEnvironmentVariable("WCP_TEST_HOST_SECRET", "host-secret-91c2");

        var outcome = await AttackAsync(isolation, "return Environment.GetEnvironmentVariable(\"WCP_TEST_HOST_SECRET\") ?? \"(none)\";");

        outcome.Should().Be(escapes ? "ESCAPED:host-secret-91c2" : "ESCAPED:(none)");
    }

    /// <summary>
    /// No process in the sandbox holds the host's environment: bubblewrap's own, the sandbox's process 1, runs as the
    /// worker's user and kept the environment it was started with (its <c>--clearenv</c> clears only the worker's), so
    /// <c>/proc/1/environ</c> gave the host's API keys and connection strings. The attack reads every process's environment
    /// it can; that of process 1 is read (the control: the route is open) and holds only the starting shell's working folder.
    /// </summary>
    [Fact]
    public async Task NoProcessInTheSandboxHoldsTheHostsEnvironment()
    {
        Environment.SetEnvironmentVariable("WCP_TEST_HOST_SECRET", "host-secret-91c2");

        var outcome = await AttackAsync(IsolationMode.Sandbox, """
            var holding = new List<string>();
            foreach (var folder in Directory.GetDirectories("/proc"))
            {
                try { if (File.ReadAllText(folder + "/environ").Contains("host-secret-91c2")) { holding.Add(folder); } } catch (Exception) { }
            }

            string first;
            try { first = "[" + File.ReadAllText("/proc/1/environ").Replace('\0', ' ').Trim() + "]"; } catch (Exception e) { first = e.GetType().Name; }
            return "process 1: " + first + "; holding the secret: " + string.Join(",", holding);
            """);

        outcome.Should().Be("ESCAPED:process 1: [PWD=/]; holding the secret: ");
    }

    [Theory]
    [InlineData(IsolationMode.Sandbox, false)]
    [InlineData(IsolationMode.InProcess, true)]
    public async Task AnotherTenantsSecretIsOutOfReach(IsolationMode isolation, bool escapes)
    {
        // Reflection into the connector context's secret source, asking for another tenant's secret by its id.
        var outcome = await AttackAsync(isolation, """
            // Walk the fields behind the script's context until the engine's secret source turns up.
            var flags = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public;
            var pending = new List<object> { context };
            for (var i = 0; i < pending.Count && i < 50; i++)
            {
                if (pending[i] is WalletCrew.Plugins.Engine.ISecretSource source)
                {
                    return await source.GetSecretAsync("other-tenant", "api-key", default) ?? "(none)";
                }

                foreach (var field in pending[i].GetType().GetFields(flags))
                {
                    if (field.GetValue(pending[i]) is { } value && !(value is string) && !value.GetType().IsPrimitive) { pending.Add(value); }
                }
            }

            return "(not found)";
            """, harness =>
            {
                harness.Secrets.Set("other-tenant", "api-key", "other-tenants-key");
                harness.Secrets.Set("test-tenant", "api-key", "own-key");
            });

        outcome.Should().Be(escapes ? "ESCAPED:other-tenants-key" : "ESCAPED:own-key");
    }

    private static async Task<string> AttackAsync(IsolationMode isolation, string body, Action<EngineHarness>? arrange = null)
    {
        using var harness = new EngineHarness(isolation: isolation, widenPolicy: HostileConnectors.PolicyOff, references: [typeof(ISecretSource).Assembly.Location]);
        arrange?.Invoke(harness);
        using var tenant = harness.Load(HostileConnectors.Hook(body));
        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        if (isolation == IsolationMode.Sandbox)
        {
            // The engine's spare worker, started at the tenant's load and filled with its files at the claim (SpareWorkerTests).
            ((SandboxedTenant)tenant.Runtime).WorkerSeesCopies.Should().BeTrue();
        }

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        return result.Log.Single().Message;
    }
}
