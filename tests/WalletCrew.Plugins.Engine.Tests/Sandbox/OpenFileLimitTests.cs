using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A worker holds at most <see cref="EngineDefaults.WorkerOpenFiles"/> descriptors (RLIMIT_NOFILE, which the runtime cannot
/// raise): a tenant opening files or pipes until refused is refused there, whatever the host's own limit (a million in
/// many containers), and the worker still answers. Control: the same connector in-process opens far more.
/// </summary>
public sealed class OpenFileLimitTests
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
}
