namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The two host folders a spare worker starts with, bound read-only at <see cref="WorkerLauncher.TenantsMount"/> and
/// <see cref="WorkerLauncher.CacheMount"/>: empty (and owned by the host, mode 0700) until a tenant claims the worker.
/// A bind mount is a live view, so what the host then copies into them is what the worker sees, at the paths a worker
/// started for that tenant would see. A tenant whose own folders the workers' user cannot reach (<see cref="WorkerUser"/>)
/// has its worker started in a slot too, filled first. The folders are deleted when the worker ends.
/// </summary>
internal sealed class SpareSlot
{
    private readonly Lock _gate = new();

    private SpareSlot(string directory)
    {
        Directory = directory;
        Tenants = Path.Combine(directory, "tenants");
        Cache = Path.Combine(directory, "cache");
        System.IO.Directory.CreateDirectory(Tenants);
        System.IO.Directory.CreateDirectory(Cache);
        foreach (var folder in (string[])[directory, Tenants, Cache])
        {
            WorkerUser.Share(folder);
        }
    }

    /// <summary>Gets the slot's own folder: in the temporary folder, mode 0700 (what is below it is the host user's alone), or,
    /// where workers run as a user of their own (<see cref="WorkerUser"/>), open to their group as every folder in it, and to
    /// no one else; files keep their modes, so a worker reads through the copy what it would through a bind of the tenant's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the folder bound at <see cref="WorkerLauncher.TenantsMount"/>.</summary>
    public string Tenants { get; }

    /// <summary>Gets the folder bound at <see cref="WorkerLauncher.CacheMount"/>.</summary>
    public string Cache { get; }

    public static SpareSlot Create() => new(TempFolders.Create("wcp-spare-"));

    /// <summary>
    /// Copies the tenant's folder and its compiled images into the slot, or brings a copy made before up to date (changed
    /// files copied again, removed ones removed). Symbolic links are copied as links, never followed: a link resolves
    /// inside the sandbox, as it would through a bind of the tenant's own folder.
    /// </summary>
    /// <exception cref="IOException">The slot could not be written (a full disk) or is gone (its worker ended).</exception>
    public void Fill(string tenantId, string tenantDirectory, string tenantCacheDirectory)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"The spare worker's folder '{Directory}' is gone.");
        }

        lock (_gate)
        {
            Mirror(new DirectoryInfo(tenantDirectory), Path.Combine(Tenants, tenantId));
            Mirror(new DirectoryInfo(tenantCacheDirectory), Path.Combine(Cache, tenantId));
        }
    }

    /// <summary>Brings one folder of the tenant's copy up to date (<paramref name="relativeFolder"/>, '/'-separated): the
    /// email templates before each send, which a worker reads at the send, not at a reload.</summary>
    /// <exception cref="IOException">The slot could not be written or is gone.</exception>
    public void FillFolder(string tenantId, string tenantDirectory, string relativeFolder)
    {
        lock (_gate)
        {
            if (!System.IO.Directory.Exists(Path.Combine(Tenants, tenantId)))
            {
                throw new DirectoryNotFoundException($"The spare worker's folder '{Directory}' is gone.");
            }

            Mirror(new DirectoryInfo(TenantLayout.PathOf(tenantDirectory, relativeFolder)), TenantLayout.PathOf(Path.Combine(Tenants, tenantId), relativeFolder));
        }
    }

    /// <summary>Deletes the slot's folders (its worker has ended).</summary>
    public void Delete()
    {
        try
        {
            WorkerUser.Forget(Directory);
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left in the temporary folder; nothing reads it any more.
        }
    }

    private static void Mirror(DirectoryInfo source, string target)
    {
        if (!System.IO.Directory.Exists(target))
        {
            // Opened to the workers once, when made: a fill runs before every reload and email send.
            System.IO.Directory.CreateDirectory(target);
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

                    Mirror(directory, copy);
                }
                else if (entry is FileInfo file && !Same(file, new FileInfo(copy)))
                {
                    // Copied under a temporary name and renamed, so a worker reading the file meanwhile sees the old or the new one whole.
                    var temporary = Path.Combine(target, $".{entry.Name}.{Guid.NewGuid():N}.tmp");
                    file.CopyTo(temporary);
                    File.SetLastWriteTimeUtc(temporary, file.LastWriteTimeUtc);
                    if (System.IO.Directory.Exists(copy))
                    {
                        Remove(copy);
                    }

                    File.Move(temporary, copy, overwrite: true);
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
        if (info.LinkTarget is null && System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        else if (info.Exists || info.LinkTarget is not null)
        {
            File.Delete(path);
        }
    }
}
