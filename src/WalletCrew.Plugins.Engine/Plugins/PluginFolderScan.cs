namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Looks at a plugin folder before any of it is read: a symbolic link (to a file elsewhere, to <c>/dev/zero</c>, to a
/// folder above) or a folder larger than <see cref="MaxBytes"/> is refused, so reading every file to weave and judge it
/// stays bounded.
/// </summary>
internal static class PluginFolderScan
{
    /// <summary>The most a plugin folder may hold, all files together.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>Returns each problem as (path relative to the folder, or empty for the folder itself; what is wrong).</summary>
    public static IReadOnlyList<(string File, string Problem)> Check(string folder)
    {
        var problems = new List<(string, string)>();
        var total = 0L;
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
            {
                var relative = Path.GetRelativePath(folder, entry.FullName).Replace('\\', '/');
                if (entry.LinkTarget is not null)
                {
                    problems.Add((relative, "it is a symbolic link; a plugin folder holds its own files"));
                }
                else if (entry is DirectoryInfo directory)
                {
                    pending.Push(directory);
                }
                else if (entry is FileInfo file)
                {
                    total += file.Length;
                }
            }
        }

        if (total > MaxBytes)
        {
            problems.Add(("", $"it holds {total / (1024 * 1024)} MiB, more than the {MaxBytes / (1024 * 1024)} MiB a plugin may ship"));
        }

        return problems;
    }
}
