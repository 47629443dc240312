using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The user a root host's workers run as outside their namespaces. bubblewrap started by root maps the worker's uid to
/// root outside: a kernel flaw that lets a process out of its namespaces would hand a tenant the machine, and every file
/// the sandbox shows, whatever its mode, is the worker's to read. So a root host starts bubblewrap through <c>setpriv</c> as
/// a uid of the worker's own (<see cref="WorkerUids"/>) and group <see cref="Nobody"/>, with no other group, no capabilities
/// left to regain and no new privileges (what the kernel counts per user is then the worker's alone, not root's nor
/// another tenant's). bubblewrap as that user needs unprivileged user
/// namespaces and must reach every folder it binds: a worker program or a tenant's folders others cannot reach are copied
/// into folders of the workers' group (<see cref="Share"/>); a runtime others cannot read leaves every worker root, and the
/// host says so. A host run as a user of its own already starts its workers as that user; nothing changes for it.
/// </summary>
internal static class WorkerUser
{
    /// <summary>The uid and gid of <c>nobody</c> and <c>nogroup</c> on Debian: no file of the machine's belongs to them. Every
    /// worker's group, and the uid inside its namespaces.</summary>
    public const int Nobody = 65534;

    /// <summary>The first uid of the workers' own (<see cref="WorkerUids"/>): 0x70000000, the start of the range systemd
    /// documents as unused (1879048192–2147483647, above the container ranges, below the uids that break signed 32-bit
    /// code). No account is needed: nothing but a worker runs as one, and no file belongs to one.</summary>
    public const int FirstUid = 0x7000_0000;

    private const string Setpriv = "/usr/bin/setpriv";

    private static readonly ConcurrentDictionary<string, Lazy<string>> s_programCopies = new(StringComparer.Ordinal);
    // The folders and files Share opened to the workers' group (reachable through it, not through others' bits).
    private static readonly ConcurrentDictionary<string, bool> s_shared = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<string?>> s_problems = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether this process runs as root, the one case where workers change user.</summary>
    public static bool HostIsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Returns why workers cannot change user here, or null when they can: no <c>setpriv</c>, or bubblewrap started as
    /// an unprivileged user cannot make its namespaces (checked once per process).</summary>
    public static string? Problem(string bwrap) =>
        s_problems.GetOrAdd(bwrap, key => new Lazy<string?>(() => Probe(key))).Value;

    /// <summary>Returns the command that starts bubblewrap as <paramref name="uid"/> and group <see cref="Nobody"/> (the
    /// executable and its arguments up to bubblewrap's): no other group, no capabilities in any set, no new privileges.</summary>
    public static IReadOnlyList<string> Command(int uid) =>
    [
        Setpriv, $"--reuid={uid.ToString(CultureInfo.InvariantCulture)}", $"--regid={Nobody.ToString(CultureInfo.InvariantCulture)}",
        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
    ];

    /// <summary>Returns the first of <paramref name="paths"/> that a user of no group of its owner's cannot reach: one that
    /// others may not read (and, a folder or a program, open or run), or below a folder others may not pass; null when there is none.</summary>
    public static string? Unreachable(IEnumerable<string> paths) => paths.FirstOrDefault(path => !Reachable(path));

    /// <summary>Returns a folder holding the worker program that the workers' user can reach: <paramref name="directory"/> itself, else
    /// a copy made once per process in the temporary folder (a host installed where only its user may look, as a checkout
    /// under <c>/root</c>), deleted when the process ends.</summary>
    public static string ReachableProgram(string directory) =>
        Reachable(directory) ? directory : s_programCopies.GetOrAdd(directory, source => new Lazy<string>(() => CopyProgram(source))).Value;

    /// <summary>Opens <paramref name="path"/>, a folder or file the host made for workers' eyes (a spare's slot, the program's
    /// copy, a private compile cache), to the workers' group and to no one else: group <see cref="Nobody"/> may read it (and
    /// pass a folder), other users nothing, so copies of tenants' files in the temporary folder stay the host's and its
    /// workers'. Only where workers change user: otherwise it stays the host user's alone.</summary>
    public static void Share(string path)
    {
        if (!HostIsRoot || OperatingSystem.IsWindows())
        {
            return;
        }

        var full = Path.GetFullPath(path);
        if (chown(full, -1, Nobody) != 0)
        {
            throw new IOException($"The group of '{full}' could not be set to {Nobody} (error {Marshal.GetLastPInvokeError()}).");
        }

        var mode = File.GetUnixFileMode(full);
        var group = UnixFileMode.GroupRead
            | (Directory.Exists(full) || mode.HasFlag(UnixFileMode.UserExecute) ? UnixFileMode.GroupExecute : UnixFileMode.None);
        File.SetUnixFileMode(full, (mode | group) & ~(UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute));
        s_shared[full] = true;
    }

    /// <summary>Forgets the folders <see cref="Share"/> opened at or below <paramref name="folder"/>, which is being deleted.</summary>
    public static void Forget(string folder)
    {
        var full = Path.GetFullPath(folder);
        foreach (var path in s_shared.Keys.Where(path => path == full || path.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            s_shared.TryRemove(path, out _);
        }
    }

    private static string? Probe(string bwrap)
    {
        if (!File.Exists(Setpriv))
        {
            return $"{Setpriv} was not found: install the package util-linux";
        }

        return SandboxProbe.Run([.. Command(FirstUid), bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"]) is { } problem
            ? SandboxMessages.UserNamespacesRefused(problem)
            : null;
    }

    private static bool Reachable(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (!s_shared.ContainsKey(full) && !Allows(full, Directory.Exists(full) ? UnixFileMode.OtherRead | UnixFileMode.OtherExecute : UnixFileMode.OtherRead))
            {
                return false;
            }

            for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
            {
                if (!s_shared.ContainsKey(folder) && !Allows(folder, UnixFileMode.OtherExecute))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Allows(string path, UnixFileMode needed) => OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & needed) == needed;

    private static string CopyProgram(string source)
    {
        var copy = TempFolders.Create("wcp-worker-");
        Share(copy);
        FolderMirror.Update(new DirectoryInfo(source), copy, shareFiles: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Forget(copy);
                Directory.Delete(copy, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left in the temporary folder.
            }
        };
        return copy;
    }

    [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
