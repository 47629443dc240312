using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>The memory the host holds a worker to is its whole tree's: bubblewrap, its reaper, the worker and anything it started.</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task ResidentBytesCountsAProcessAndEveryDescendantAsTheKernelReportsThem()
    {
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 60 & sleep 60 & wait"]) { UseShellExecute = false })!;
        try
        {
            await SandboxSteps.WaitUntilAsync(() => ProcessTree.SelfAndDescendants(shell.Id).Count() == 3, TimeSpan.FromSeconds(30));
            var tree = ProcessTree.SelfAndDescendants(shell.Id).ToList();

            var resident = ProcessTree.ResidentBytes(shell.Id);

            // What each process's status says (VmRSS, in kB), summed; the processes are asleep, so neither figure moves.
            var reported = tree.Sum(pid => long.Parse(
                File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))[6..].Trim().TrimEnd('B', 'k').Trim(),
                CultureInfo.InvariantCulture) * 1024);
            tree.Should().HaveCount(3);
            resident.Should().Be(reported);
            resident.Should().BeGreaterThan(ProcessTree.ResidentBytes(tree[^1]), "the control: the tree holds more than one of its processes");
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }
}
