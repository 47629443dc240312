using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The seccomp filter every worker runs under (bubblewrap's <c>--seccomp</c>): system calls a .NET worker never needs and
/// that widen the kernel's attack surface fail with <c>EPERM</c>, as do sockets of any family but <c>AF_UNIX</c> and new
/// processes (threads are started as ever); a call made through another architecture's numbers (x32,
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
    private const uint ErrnoEnosys = 0x00050000 | 38;
    private const ulong AfUnix = 1;
    private const ulong CloneThread = 0x00010000;

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
                Add(filter, ErrnoEperm, name);
            }

            // Refused for some of their arguments: a socket of any family but AF_UNIX (the worker's network namespace has no
            // interface, but other families are kernel code a worker never needs, and AF_VSOCK, which no network namespace
            // isolates, reaches a virtual machine's host); and a new process (clone without CLONE_THREAD, fork, vfork): a
            // worker has no program to start, and copies of itself would multiply what the kernel counts per process
            // (descriptors, and the epoll watches counted against its user). clone3, whose flags a filter cannot read, fails
            // as unknown (ENOSYS), so the C library starts its threads with clone.
            foreach (var name in (string[])["socket", "socketpair"])
            {
                Add(filter, ErrnoEperm, name, new Comparison(0, Compare.NotEqual, AfUnix, 0));
            }

            Add(filter, ErrnoEperm, "clone", new Comparison(0, Compare.MaskedEqual, CloneThread, 0));
            Add(filter, ErrnoEperm, "fork");
            Add(filter, ErrnoEperm, "vfork");
            Add(filter, ErrnoEnosys, "clone3");

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

    // A rule for call name, when its arguments meet every comparison given. A name this libseccomp or architecture does not
    // know is a call the worker cannot make anyway.
    private static void Add(nint filter, uint action, string name, params Comparison[] comparisons)
    {
        var number = seccomp_syscall_resolve_name(name);
        if (number >= 0 && seccomp_rule_add_array(filter, action, number, (uint)comparisons.Length, comparisons) is var added and < 0)
        {
            throw new InvalidOperationException($"libseccomp refused the rule for {name} (error {-added}).");
        }
    }

    // libseccomp's enum scmp_compare.
    private enum Compare
    {
        NotEqual = 1,
        MaskedEqual = 7,
    }

    // libseccomp's struct scmp_arg_cmp: argument index, comparison, value (for a masked comparison: the mask, then the value).
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Comparison(uint Argument, Compare Op, ulong DatumA, ulong DatumB);

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint seccomp_init(uint defaultAction);

    [DllImport(Library)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int seccomp_rule_add_array(nint filter, uint action, int syscall, uint argumentCount, [In] Comparison[] arguments);

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
