using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A machine has few process ids (32,768 by default) and every thread takes one: a tenant past the policy that starts
/// thousands of threads with small stacks (under its data segment's limit) or of processes (each with a data segment of
/// its own) could leave the host none to start a thread or a worker with. Each worker's pids group refuses its threads and
/// processes past <see cref="EngineDefaults.WorkerTasks"/> together. The control: without the group the same code starts
/// every one of them.
/// </summary>
public sealed class TaskLimitTests
{
    // Past the limit of 512, and within the resident memory the host allows a worker with a heap of 1 GiB (it sums its
    // processes' resident memory: a sleeper's shared libraries count ~1.4 MiB each).
    private const int Asked = 700;

    public static TheoryData<string, string> Spawners => new()
    {
        {
            "threads with 64 KiB stacks",
            $$"""
            // Each thread waits on a gate no one opens, in the framework's code (the tenant's would meet its stack checkpoints).
            var gate = new ManualResetEventSlim();
            var started = 0;
            try
            {
                for (; started < {{Asked}}; started++) { new Thread(gate.Wait, 64 * 1024) { IsBackground = true }.Start(); }
            }
            catch (Exception e) { return started + " then " + e.GetType().Name; }
            return started.ToString();
            """
        },
        {
            "a shell forking sleepers",
            $$"""
            var shell = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "n=0; while [ $n -lt {{Asked}} ]; do sleep 20 >/dev/null 2>&1 & n=$((n+1)); done; echo $n" }, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = shell.StandardOutput.ReadToEnd().Trim();
            shell.WaitForExit();
            return output.Length > 0 ? output : "shell ended " + shell.ExitCode + ": " + shell.StandardError.ReadToEnd().Trim();
            """
        },
        {
            "processes started one by one",
            $$"""
            var started = 0;
            try
            {
                for (; started < {{Asked}}; started++) { Process.Start(new ProcessStartInfo("/bin/sleep") { ArgumentList = { "20" } }); }
            }
            catch (Exception e) { return started + " then " + e.GetType().Name; }
            return started.ToString();
            """
        },
    };

    [Theory]
    [MemberData(nameof(Spawners))]
    public async Task AWorkersThreadsAndProcessesStopAtItsLimit(string kind, string spawn)
    {
        var (outcome, refused) = await SpawnAsync(spawn, resourceGroups: true);

        outcome.Should().NotBe($"ESCAPED:{Asked}", kind);
        refused.Should().BeTrue("the group counted a refused thread or process");
    }

    [Theory]
    [MemberData(nameof(Spawners))]
    public async Task NegativeControl_WithoutItsPidsGroupAWorkerStartsThemAll(string kind, string spawn)
    {
        var (outcome, _) = await SpawnAsync(spawn, resourceGroups: false);

        outcome.Should().Be($"ESCAPED:{Asked}", kind);
    }

    /// <summary>Runs the spawning hook in a worker with or without its resource groups; returns what it logged and whether
    /// the worker's pids group refused one (read while the worker runs).</summary>
    private static async Task<(string Outcome, bool Refused)> SpawnAsync(string spawn, bool resourceGroups)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            invocationTimeout: TimeSpan.FromSeconds(30), sandbox: new SandboxOptions { SpareWorkers = 0, ResourceGroups = resourceGroups, WorkerHeapLimitBytes = 1L << 30 });
        using var tenant = harness.Load(HostileConnectors.Hook(spawn));
        tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
        var folder = harness.Engine.Workers!.Launcher.GroupFolder("pids");
        if (resourceGroups)
        {
            harness.Engine.Workers!.Launcher.TasksProblem.Should().BeNull("this test needs a cgroup the host may write (CI runs as root)");
        }

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var refused = folder is not null && Directory.GetDirectories(folder)
            .Any(group => File.ReadLines(Path.Combine(group, "pids.events")).Any(line => line.StartsWith("max ", StringComparison.Ordinal) && line != "max 0"));
        return (result.Log.Single().Message, refused);
    }
}
