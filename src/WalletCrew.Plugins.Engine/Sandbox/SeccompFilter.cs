using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The seccomp filter every worker runs under (bubblewrap's <c>--seccomp</c>): system calls a .NET worker never needs and
/// that widen the kernel's attack surface fail with <c>EPERM</c>; a call made through another architecture's numbers (x32,
/// i386 on x86-64) ends the worker. Built with libseccomp (Debian's <c>libseccomp2</c>), which writes the BPF program and its
/// architecture checks, rather than by hand.
/// </summary>
internal static class SeccompFilter
{
    /// <summary>
    /// The system calls refused, after Docker's and systemd's defaults for unprivileged services: kernel keyrings, BPF and
    /// perf, io_uring, user faults, other processes' memory, namespaces and mounts, modules, clocks, swap and reboot; and
    /// the kernel objects counted per user, which a worker would take from the host's user (its processes run as the host's
    /// uid outside their namespace): inotify and fanotify instances (128 per user: a worker holding them left the host
    /// none for its tenant folders' watchers) and POSIX message queues.
    /// </summary>
    public static readonly IReadOnlyList<string> Refused =
    [
        "add_key", "keyctl", "request_key",
        "bpf", "perf_event_open", "userfaultfd",
        "io_uring_setup", "io_uring_enter", "io_uring_register",
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
        "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_by_handle_at", "name_to_handle_at",
        "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
        "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
        "acct", "quotactl", "swapon", "swapoff", "reboot", "syslog", "vhangup",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "iopl", "ioperm", "personality", "uselib", "lookup_dcookie",
        "inotify_init", "inotify_init1", "inotify_add_watch", "fanotify_init", "fanotify_mark", "mq_open",
    ];

    private const string Library = "libseccomp.so.2";
    private const uint Allow = 0x7fff0000;
    private const uint ErrnoEperm = 0x00050000 | 1;

    /// <summary>Writes the filter's BPF program to <paramref name="path"/>; null when it was written, else why not (libseccomp missing).</summary>
    public static string? TryWrite(string path)
    {
        try
        {
            Write(path);
            return null;
        }
        catch (DllNotFoundException)
        {
            return $"{Library} was not found; install the package libseccomp2 for the workers' seccomp filter";
        }
    }

    private static void Write(string path)
    {
        var filter = seccomp_init(Allow);
        if (filter == 0)
        {
            throw new InvalidOperationException("libseccomp could not create a filter.");
        }

        try
        {
            foreach (var name in Refused)
            {
                // A name this libseccomp or architecture does not know is a call the worker cannot make anyway.
                var number = seccomp_syscall_resolve_name(name);
                if (number >= 0 && seccomp_rule_add_array(filter, ErrnoEperm, number, 0, 0) is var added and < 0)
                {
                    throw new InvalidOperationException($"libseccomp refused the rule for {name} (error {-added}).");
                }
            }

            using var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
            if (seccomp_export_bpf(filter, (int)file.DangerousGetHandle()) is var exported and < 0)
            {
                throw new InvalidOperationException($"libseccomp could not write the filter to {path} (error {-exported}).");
            }
        }
        finally
        {
            seccomp_release(filter);
        }
    }

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint seccomp_init(uint defaultAction);

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int seccomp_rule_add_array(nint filter, uint action, int syscall, uint argumentCount, nint arguments);

    [DllImport(Library, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int seccomp_syscall_resolve_name([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int seccomp_export_bpf(nint filter, int fd);

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void seccomp_release(nint filter);
}
