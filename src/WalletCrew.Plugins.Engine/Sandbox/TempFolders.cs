using System.Globalization;
using System.Security.Cryptography;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The engine's folders in the temporary folder (spare slots with copies of tenants' files, the worker program's copy, the
/// seccomp program, a private compile cache, woven plugins), named after the process that made them:
/// <c>wcp-spare-&lt;owner&gt;-XXXXXX</c>, where the owner is the process's id and a random suffix. The process holds a shared
/// lock on <c>wcp-alive-&lt;owner&gt;</c> for as long as it runs. A process deletes its own folders when done, but one that is
/// killed (<c>kill -9</c>, the kernel's OOM killer) cannot; so the first folder a process makes of a kind sweeps away that
/// kind's folders whose owner holds no lock any more: exact whatever the PID namespaces of the processes sharing the folder.
/// </summary>
internal static class TempFolders
{
    private const string AlivePrefix = "wcp-alive-";

    private static readonly Lazy<string> s_owner = new(HoldOwnerLock);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<bool>> s_swept = new(StringComparer.Ordinal);

    // Held open, with its shared lock, until the process ends.
    private static FileStream? s_ownerLock;

    /// <summary>Creates a folder of the kind <paramref name="prefix"/> (e.g. <c>wcp-spare-</c>), mode 0700, and returns its full path.</summary>
    public static string Create(string prefix)
    {
        var owner = s_owner.Value;
        _ = s_swept.GetOrAdd(prefix, kind => new Lazy<bool>(() => Sweep(kind))).Value;
        return Directory.CreateTempSubdirectory($"{prefix}{owner}-").FullName;
    }

    private static string HoldOwnerLock()
    {
        var owner = $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var path = Path.Combine(Path.GetTempPath(), AlivePrefix + owner);

        // FileShare other than None takes a shared flock (LOCK_SH) on Unix; a sweeper's exclusive one fails while it is held.
        s_ownerLock = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(path, folder: false);

        // Lock files killed owners left without folders: each found free is deleted.
        foreach (var other in Directory.EnumerateFiles(Path.GetTempPath(), AlivePrefix + "*").Where(other => other != path && !FileLockingOff))
        {
            _ = Alive(Path.GetFileName(other)[AlivePrefix.Length..]);
        }

        return owner;
    }

    // Deletes the folders of the kind whose owner holds no lock; folders named otherwise (made before this naming) are left.
    // Not at all where the runtime takes no file locks (System.IO.DisableFileLocking): every owner would look ended.
    private static bool Sweep(string prefix)
    {
        if (FileLockingOff)
        {
            return false;
        }

        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            var name = Path.GetFileName(folder)[prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && name[..dash] is var owner && owner != s_owner.Value && !Alive(owner))
            {
                TryDelete(folder, folder: true);
            }
        }

        return true;
    }

    private static bool FileLockingOff =>
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var off) && off)
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true";

    // Whether the owner's lock file is there and locked; a lock file found free (its owner ended) is deleted.
    private static bool Alive(string owner)
    {
        var path = Path.Combine(Path.GetTempPath(), AlivePrefix + owner);
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
            }

            TryDelete(path, folder: false);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // locked: its owner runs
        }
        catch (UnauthorizedAccessException)
        {
            return true; // not ours to judge
        }
    }

    private static void TryDelete(string path, bool folder)
    {
        try
        {
            if (folder)
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Another sweep took it, or it is not ours to delete.
        }
    }
}
