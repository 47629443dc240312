using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>The memory and CPU the host holds a worker to are its whole tree's: bubblewrap, its reaper, the worker and anything it started.</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task ResidentMemoryCountsAProcessAndEveryDescendantAsTheKernelReportsThem()
    {
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 60 & sleep 60 & wait"]) { UseShellExecute = false })!;
        try
        {
            await SandboxSteps.WaitUntilAsync(() => ProcessTree.SelfAndDescendants(shell.Id).Count() == 3, TimeSpan.FromSeconds(30));
            var tree = ProcessTree.SelfAndDescendants(shell.Id).ToList();

            // Against what each process's status says (VmRSS, in kB), summed: the children may still be replacing the shell
            // they were forked from, so the two are compared until the processes settle (they then sleep, and neither moves).
            long resident = 0, reported = 0;
            var agreed = async () => await SandboxSteps.WaitUntilAsync(() => (resident = ProcessTree.Usage(shell.Id).ResidentBytes) == (reported = Reported(tree)), TimeSpan.FromSeconds(10));

            await agreed.Should().NotThrowAsync();
            resident.Should().Be(reported);
            tree.Should().HaveCount(3);
            resident.Should().BeGreaterThan(ProcessTree.Usage(tree[^1]).ResidentBytes, "the control: the tree holds more than one of its processes");
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task CpuTimeCountsTheCpuOfADescendantThatSpinsAndNotOfOneThatSleeps()
    {
        // A shell whose children spin in a subshell (busy) and sleep (idle): the busy child's CPU is the tree's.
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "(while :; do :; done) & sleep 60 & wait"]) { UseShellExecute = false })!;
        try
        {
            // The children start as copies of the shell: wait until one has become sleep.
            int? sleeper = null;
            await SandboxSteps.WaitUntilAsync(() => (sleeper = ProcessTree.SelfAndDescendants(shell.Id).FirstOrDefault(pid => Command(pid) == "sleep")) is > 0, TimeSpan.FromSeconds(30));
            var before = ProcessTree.Usage(shell.Id).CpuTime;
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(3));
            var used = ProcessTree.Usage(shell.Id).CpuTime - before;

            // On a machine busy with other work a spinning process still gets a share of a core.
            used.Should().BeGreaterThan(TimeSpan.FromSeconds(0.25), "the spinning child ran for much of 3 s");
            used.Should().BeLessThanOrEqualTo(clock.Elapsed + TimeSpan.FromSeconds(0.1), "one spinning process uses at most one core");
            ProcessTree.Usage(sleeper!.Value).CpuTime.Should().BeLessThan(TimeSpan.FromSeconds(0.05), "the control: a sleeping process uses next to none");
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
    }

    private static long Reported(IEnumerable<int> tree) => tree.Sum(pid => long.Parse(
        File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))[6..].Trim().TrimEnd('B', 'k').Trim(),
        CultureInfo.InvariantCulture) * 1024);
}
