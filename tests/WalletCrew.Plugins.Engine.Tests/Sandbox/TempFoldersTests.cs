using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The engine's temporary folders carry their owner's name, and the owner holds a lock on <c>wcp-alive-&lt;owner&gt;</c> while it
/// runs: the first folder a process makes of a kind deletes that kind's folders whose owner holds no lock any more (a host
/// killed with copies of tenants' files in a spare's slot), never a running owner's, whatever its PID namespace, nor a
/// folder named otherwise.
/// </summary>
public sealed class TempFoldersTests
{
    [Fact]
    public void AKilledOwnersFoldersGoARunningOnesStay()
    {
        var prefix = $"wcp-sweep-{Guid.NewGuid():N}-";
        var killed = Make($"{prefix}7.dead0001-aaaaaa", withFile: true);
        var killedLock = AliveFile("7.dead0001"); // left behind, no longer locked
        File.WriteAllText(killedLock, "");
        var running = Make($"{prefix}7.live0001-bbbbbb", withFile: true); // the same pid in another PID namespace, still running
        using var runningLock = new FileStream(AliveFile("7.live0001"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var gone = Make($"{prefix}7.gone0001-cccccc", withFile: false); // no lock file at all
        var other = Make($"{prefix}named", withFile: false);
        try
        {
            var made = TempFolders.Create(prefix);

            Directory.Exists(killed).Should().BeFalse("its owner holds no lock");
            File.Exists(killedLock).Should().BeFalse("a lock file found free is removed");
            Directory.Exists(gone).Should().BeFalse("its owner left no lock file");
            Directory.Exists(running).Should().BeTrue("control: its owner holds its lock");
            Directory.Exists(other).Should().BeTrue("not named after an owner");
            Path.GetFileName(made).Should().StartWith($"{prefix}{Environment.ProcessId}.");
            Directory.Delete(made);
        }
        finally
        {
            foreach (var folder in new[] { killed, running, gone, other }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }

            File.Delete(AliveFile("7.live0001"));
        }
    }

    private static string AliveFile(string owner) => Path.Combine(Path.GetTempPath(), "wcp-alive-" + owner);

    private static string Make(string name, bool withFile)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), name)).FullName;
        if (withFile)
        {
            File.WriteAllText(Path.Combine(folder, "copy.csx"), "// a tenant's file");
        }

        return folder;
    }
}
