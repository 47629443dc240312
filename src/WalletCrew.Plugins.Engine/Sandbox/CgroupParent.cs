namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Finds the cgroup a controller's worker groups are made in (<see cref="WorkerGroups"/>): the folder an operator names (a
/// cgroup v2 group delegated to the host, which serves every controller, or a group of one cgroup v1 hierarchy), else the
/// host's own group in the controller's cgroup v1 hierarchy. On cgroup v2 nothing is found by default: the host's own group
/// holds the host, and a v2 group with processes cannot give its children a controller.
/// </summary>
internal static class CgroupParent
{
    /// <summary>The setting that names the folder.</summary>
    public const string Setting = "WalletCrew:Engine:WorkerCgroup";

    /// <summary>Returns the folder for <paramref name="controller"/> (<c>cpu</c>, <c>memory</c>, <c>pids</c>) and whether it is cgroup v2,
    /// or why there is none.</summary>
    public static (string? Folder, bool V2, string? Problem) Locate(string? configured, string controller) =>
        configured is null ? Found(controller) : Configured(configured, controller);

    private static (string? Folder, bool V2, string? Problem) Configured(string folder, string controller)
    {
        var controllers = Path.Combine(folder, "cgroup.controllers");
        if (File.Exists(controllers))
        {
            return File.ReadAllText(controllers).Split(' ', '\n').Contains(controller)
                ? (folder, true, null)
                : (null, true, $"{Setting} is '{folder}', a cgroup v2 group without the {controller} controller (delegate cpu, memory and pids to the host: systemd Delegate=cpu memory pids).");
        }

        if (File.Exists(Path.Combine(folder, ControlFile(controller))))
        {
            return (folder, false, null);
        }

        // A group of another cgroup v1 hierarchy names that hierarchy's parent only: this controller's is found as by default.
        return File.Exists(Path.Combine(folder, "cgroup.procs"))
            ? Found(controller)
            : (null, false, $"{Setting} is '{folder}', which is not a cgroup folder.");
    }

    private static string ControlFile(string controller) => controller switch
    {
        "cpu" => "cpu.cfs_quota_us",
        "memory" => "memory.limit_in_bytes",
        _ => $"{controller}.max",
    };

    /// <summary>The host's own group in the controller's cgroup v1 hierarchy, from /proc/self/mountinfo and /proc/self/cgroup.</summary>
    private static (string? Folder, bool V2, string? Problem) Found(string controller)
    {
        var noGroup = $"no cgroup v1 {controller} hierarchy is mounted here (on cgroup v2, set {Setting} to a group delegated to the host with the cpu, memory and pids controllers).";
        try
        {
            var mount = File.ReadLines("/proc/self/mountinfo")
                .Select(line => line.Split(' '))
                .Select(fields => (Fields: fields, Separator: Array.IndexOf(fields, "-")))
                .Where(m => m.Separator > 0 && m.Separator + 3 < m.Fields.Length && m.Fields[m.Separator + 1] == "cgroup"
                    && m.Fields[m.Separator + 3].Split(',').Contains(controller))
                .Select(m => (Root: m.Fields[3], Point: m.Fields[4]))
                .FirstOrDefault();
            var own = File.ReadLines("/proc/self/cgroup")
                .Select(line => line.Split(':', 3))
                .Where(parts => parts.Length == 3 && parts[1].Split(',').Contains(controller))
                .Select(parts => parts[2])
                .FirstOrDefault();
            if (mount.Point is null || own is null || !own.StartsWith(mount.Root, StringComparison.Ordinal))
            {
                return (null, false, noGroup);
            }

            var relative = own[mount.Root.Length..].TrimStart('/');
            return (Path.Combine(mount.Point, relative), false, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, false, noGroup);
        }
    }
}
