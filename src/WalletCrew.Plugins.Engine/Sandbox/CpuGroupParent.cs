namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Finds the cgroup the workers' CPU groups are made in (<see cref="WorkerCpuGroups"/>): the folder an operator names (a
/// cgroup v2 group delegated to the host, or a v1 <c>cpu</c> group), else the host's own group in the cgroup v1 <c>cpu</c>
/// hierarchy. On cgroup v2 nothing is found by default: the host's own group holds the host, and a v2 group with processes
/// cannot give its children a controller.
/// </summary>
internal static class CpuGroupParent
{
    /// <summary>The setting that names the folder.</summary>
    public const string Setting = "WalletCrew:Engine:WorkerCpuGroup";

    /// <summary>Returns the folder and whether it is cgroup v2, or why there is none.</summary>
    public static (string? Folder, bool V2, string? Problem) Locate(string? configured) =>
        configured is null ? Found() : Configured(configured);

    private static (string? Folder, bool V2, string? Problem) Configured(string folder)
    {
        if (File.Exists(Path.Combine(folder, "cgroup.controllers")))
        {
            return (folder, true, null);
        }

        return File.Exists(Path.Combine(folder, "cpu.cfs_quota_us"))
            ? (folder, false, null)
            : (null, false, $"{Setting} is '{folder}', which is not a cgroup folder with the cpu controller.");
    }

    /// <summary>The host's own group in the cgroup v1 <c>cpu</c> hierarchy, from /proc/self/mountinfo and /proc/self/cgroup.</summary>
    private static (string? Folder, bool V2, string? Problem) Found()
    {
        const string NoGroup = "no cgroup v1 cpu hierarchy is mounted here (on cgroup v2, set " + Setting + " to a group delegated to the host with the cpu controller).";
        try
        {
            var mount = File.ReadLines("/proc/self/mountinfo")
                .Select(line => line.Split(' '))
                .Select(fields => (Fields: fields, Separator: Array.IndexOf(fields, "-")))
                .Where(m => m.Separator > 0 && m.Separator + 3 < m.Fields.Length && m.Fields[m.Separator + 1] == "cgroup"
                    && m.Fields[m.Separator + 3].Split(',').Contains("cpu"))
                .Select(m => (Root: m.Fields[3], Point: m.Fields[4]))
                .FirstOrDefault();
            var own = File.ReadLines("/proc/self/cgroup")
                .Select(line => line.Split(':', 3))
                .Where(parts => parts.Length == 3 && parts[1].Split(',').Contains("cpu"))
                .Select(parts => parts[2])
                .FirstOrDefault();
            if (mount.Point is null || own is null || !own.StartsWith(mount.Root, StringComparison.Ordinal))
            {
                return (null, false, NoGroup);
            }

            var relative = own[mount.Root.Length..].TrimStart('/');
            return (Path.Combine(mount.Point, relative), false, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, false, NoGroup);
        }
    }
}
