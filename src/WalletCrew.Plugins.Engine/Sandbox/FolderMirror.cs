namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Keeps a copy of a folder up to date for workers' eyes: changed files copied again (under a temporary name, then renamed,
/// so a reader sees the old file or the new one whole), removed ones removed, symbolic links copied as links, never
/// followed (a link resolves inside the sandbox, as it would through a bind of the folder itself), entries in the making
/// (<c>.tmp</c>) skipped. A folder it makes is opened to the workers' group (<see cref="WorkerUser.Share"/>); files keep their
/// modes unless <c>shareFiles</c> opens them too. Used for spare slots (tenants' files, whose modes must hold in the copy)
/// and for the worker program's copy (which every worker must read).
/// </summary>
internal static class FolderMirror
{
    /// <summary>Brings <paramref name="target"/> up to date with <paramref name="source"/> (an absent source empties it).</summary>
    /// <param name="source">The folder copied.</param>
    /// <param name="target">The copy, made when missing.</param>
    /// <param name="shareFiles">Whether the files copied are opened to the workers' group as well as the folders.</param>
    public static void Update(DirectoryInfo source, string target, bool shareFiles = false)
    {
        if (!Directory.Exists(target))
        {
            // Opened to the workers once, when made: a fill runs before every reload and email send.
            Directory.CreateDirectory(target);
            WorkerUser.Share(target);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in source.Exists ? source.EnumerateFileSystemInfos() : [])
        {
            // The compile cache's entries in the making (written to a temporary name, then renamed).
            if (entry.Name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            seen.Add(entry.Name);
            var copy = Path.Combine(target, entry.Name);
            try
            {
                if (entry.LinkTarget is { } link)
                {
                    if (new FileInfo(copy).LinkTarget != link)
                    {
                        Remove(copy);
                        File.CreateSymbolicLink(copy, link);
                    }
                }
                else if (entry is DirectoryInfo directory)
                {
                    if (File.Exists(copy) || new FileInfo(copy).LinkTarget is not null)
                    {
                        Remove(copy);
                    }

                    Update(directory, copy, shareFiles);
                }
                else if (entry is FileInfo file && !Same(file, new FileInfo(copy)))
                {
                    // Copied under a temporary name and renamed, so a worker reading the file meanwhile sees the old or the new one whole.
                    var temporary = Path.Combine(target, $".{entry.Name}.{Guid.NewGuid():N}.tmp");
                    file.CopyTo(temporary);
                    File.SetLastWriteTimeUtc(temporary, file.LastWriteTimeUtc);
                    if (Directory.Exists(copy))
                    {
                        Remove(copy);
                    }

                    File.Move(temporary, copy, overwrite: true);
                    if (shareFiles)
                    {
                        WorkerUser.Share(copy);
                    }
                }
            }
            catch (FileNotFoundException)
            {
                // Removed while it was copied: the next reload copies what is there then.
            }
        }

        foreach (var stale in new DirectoryInfo(target).EnumerateFileSystemInfos())
        {
            if (!seen.Contains(stale.Name))
            {
                Remove(stale.FullName);
            }
        }
    }

    private static bool Same(FileInfo source, FileInfo copy) =>
        copy.Exists && copy.LinkTarget is null && copy.Length == source.Length && copy.LastWriteTimeUtc == source.LastWriteTimeUtc;

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (info.Exists || info.LinkTarget is not null)
        {
            File.Delete(path);
        }
    }
}
