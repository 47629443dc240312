using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The engine's temporary folders carry their process's id, and the first one a process makes of a kind deletes that
/// kind's folders left by processes that no longer run (a host killed with copies of tenants' files in a spare's slot),
/// never a running process's, nor a folder named otherwise.
/// </summary>
public sealed class TempFoldersTests
{
    [Fact]
    public void AKilledProcesssFoldersGoTheRunningOnesStay()
    {
        var prefix = $"wcp-sweep-{Guid.NewGuid():N}-";
        var ended = EndedProcessId();
        var left = Make($"{prefix}{ended}-aaaaaa", withFile: true);
        var running = Make($"{prefix}1-bbbbbb", withFile: false); // pid 1 runs
        var other = Make($"{prefix}named-otherwise", withFile: false);
        try
        {
            var made = TempFolders.Create(prefix);

            Directory.Exists(left).Should().BeFalse("its process has ended");
            Directory.Exists(running).Should().BeTrue("control: its process runs");
            Directory.Exists(other).Should().BeTrue("not named after a process");
            Path.GetFileName(made).Should().StartWith($"{prefix}{Environment.ProcessId}-");
            Directory.Delete(made);
        }
        finally
        {
            foreach (var folder in new[] { left, running, other }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string Make(string name, bool withFile)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), name)).FullName;
        if (withFile)
        {
            File.WriteAllText(Path.Combine(folder, "copy.csx"), "// a tenant's file");
        }

        return folder;
    }

    private static int EndedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        Directory.Exists($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}").Should().BeFalse();
        return process.Id;
    }
}
