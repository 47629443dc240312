namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// Materialises stored file sets into host-local folders the engine loads like any tenant folder:
/// <c>&lt;directory&gt;/&lt;tenantId&gt;/&lt;setHash&gt;/&lt;tenantId&gt;/</c>. A folder is named by its content, written aside and moved
/// into place whole, and never changed afterwards, so hosts and versions with the same files share it.
/// </summary>
internal sealed class TenantFolders(string directory)
{
    public string Directory { get; } = directory;

    public string Materialise(string tenantId, TenantFileSet set)
    {
        var final = Path.Combine(Directory, tenantId, set.SetHash);
        var tenantFolder = Path.Combine(final, tenantId);
        if (System.IO.Directory.Exists(tenantFolder))
        {
            return tenantFolder;
        }

        var staging = Path.Combine(Directory, tenantId, ".staging-" + Guid.NewGuid().ToString("N"));
        var stagedTenant = Path.Combine(staging, tenantId);
        try
        {
            System.IO.Directory.CreateDirectory(stagedTenant);
            foreach (var (path, content) in set.Files)
            {
                var file = Path.Combine(stagedTenant, path);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, content);
            }

            System.IO.Directory.Move(staging, final);
        }
        catch (IOException) when (System.IO.Directory.Exists(tenantFolder))
        {
            // Another host or request materialised the same set first: the content is the same.
        }
        finally
        {
            // Whatever happened (a full disk, a name this file system refuses), nothing half-written stays behind.
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
        }

        return tenantFolder;
    }

    /// <summary>Reads a tenant folder under the tenants root as a file set: the files the store accepts, everything else left out.</summary>
    public static TenantFileSet ReadFolder(string tenantDirectory)
    {
        var files = new List<KeyValuePair<string, byte[]>>();
        if (System.IO.Directory.Exists(tenantDirectory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(tenantDirectory, "*", SearchOption.AllDirectories))
            {
                var path = Path.GetRelativePath(tenantDirectory, file).Replace('\\', '/');
                if (TenantFilePaths.Problem(path) is null)
                {
                    files.Add(new(path, File.ReadAllBytes(file)));
                }
            }
        }

        return new TenantFileSet(files);
    }
}
