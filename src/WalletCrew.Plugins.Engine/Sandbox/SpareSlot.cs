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
            FolderMirror.Update(new DirectoryInfo(tenantDirectory), Path.Combine(Tenants, tenantId));
            FolderMirror.Update(new DirectoryInfo(tenantCacheDirectory), Path.Combine(Cache, tenantId));
        }
    }

    /// <summary>Brings one folder of the tenant's copy up to date (<paramref name="relativeFolder"/>, '/'-separated): the
    /// email templates before each send, which a worker reads at the send, not at a reload. A folder reached through a
    /// symbolic link, in the tenant's files or in the copy, is left as the last whole fill left it (a link, copied as one):
    /// followed, both paths would lead where the link points, and the mirror would rewrite that folder of the host's.</summary>
    /// <exception cref="IOException">The slot could not be written or is gone.</exception>
    public void FillFolder(string tenantId, string tenantDirectory, string relativeFolder)
    {
        lock (_gate)
        {
            var copy = Path.Combine(Tenants, tenantId);
            if (!System.IO.Directory.Exists(copy))
            {
                throw new DirectoryNotFoundException($"The spare worker's folder '{Directory}' is gone.");
            }

            if (ThroughLink(tenantDirectory, relativeFolder) || ThroughLink(copy, relativeFolder))
            {
                return;
            }

            FolderMirror.Update(new DirectoryInfo(TenantLayout.PathOf(tenantDirectory, relativeFolder)), TenantLayout.PathOf(copy, relativeFolder));
        }
    }

    // Whether a folder on the way from root to relativeFolder, that folder included, is a symbolic link.
    private static bool ThroughLink(string root, string relativeFolder)
    {
        var path = root;
        foreach (var part in relativeFolder.Split('/'))
        {
            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
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
}
