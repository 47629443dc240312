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
    public static TenantFileSet ReadFolder(string tenantDirectory) =>
        new([.. FilesIn(tenantDirectory, _ => { }).Select(path => new KeyValuePair<string, byte[]>(path, File.ReadAllBytes(Path.Combine(tenantDirectory, path))))]);

    /// <summary>
    /// The tenant files in a folder (<c>tenant.json</c> and the files under <c>server/</c> that <see cref="TenantFilePaths"/>
    /// accepts), as relative paths in order: what the folder import stores and <c>wcp push</c> sends. Hidden files and
    /// folders (editor and tool state) are passed over; other files and links are passed over and told to
    /// <paramref name="skipped"/>: the store keeps no links, one would bring in whatever it points at, anywhere on the
    /// machine, and a link loop ended the walk with an exception.
    /// </summary>
    public static List<string> FilesIn(string tenantDirectory, Action<string> skipped)
    {
        var found = new List<string>();
        Add(new FileInfo(Path.Combine(tenantDirectory, TenantFilePaths.Settings)));
        Add(new DirectoryInfo(Path.Combine(tenantDirectory, "server")));
        found.Sort(StringComparer.Ordinal);
        return found;

        void Add(FileSystemInfo entry)
        {
            var path = Path.GetRelativePath(tenantDirectory, entry.FullName).Replace('\\', '/');
            if ((!entry.Exists && entry.LinkTarget is null) || entry.Name.StartsWith('.'))
            {
                return;
            }

            if (entry.LinkTarget is { } target)
            {
                skipped($"skipped {path}: a link (to {target}); the host keeps no links, copy the file in instead.");
            }
            else if (entry is DirectoryInfo folder)
            {
                foreach (var child in folder.EnumerateFileSystemInfos())
                {
                    Add(child);
                }
            }
            else if (TenantFilePaths.Problem(path) is { } notKept)
            {
                skipped($"skipped {notKept}");
            }
            else
            {
                found.Add(path);
            }
        }
    }
}
