namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>Throwaway tenant folders: copies of the sample tenants under a temporary root, deleted on dispose.</summary>
internal sealed class TenantFolders : IDisposable
{
    public TenantFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "wcp-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Creates a temporary folder others may read, as a compile cache is where it is installed: a root process's
    /// workers run as a uid of their own, and bubblewrap must reach what it binds for them.</summary>
    public static string CreateReachable(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return folder;
    }

    /// <summary>Copies the sample tenant <paramref name="sample"/> to a folder named <paramref name="tenantId"/>.</summary>
    public string CopySample(string sample, string tenantId)
    {
        var source = Path.Combine(RepositoryPaths.SampleTenants, sample);
        var target = Path.Combine(Root, tenantId);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a benchmark run over it.
        }
    }
}
