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

            FolderMirror.Update(new DirectoryInfo(TenantLayout.PathOf(tenantDirectory, relativeFolder)), TenantLayout.PathOf(Path.Combine(Tenants, tenantId), relativeFolder));
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
}
