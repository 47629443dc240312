namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>A throwaway tenant folder on disk, deleted on dispose.</summary>
internal sealed class TenantFolder : IDisposable
{
    private readonly string _root;

    public TenantFolder(string tenantId = "test-tenant")
    {
        _root = Path.Combine(Path.GetTempPath(), "wcp-tests", Guid.NewGuid().ToString("N"));
        Directory = Path.Combine(_root, tenantId);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "server", "script"));
    }

    /// <summary>Gets the tenant folder's full path.</summary>
    public string Directory { get; }

    /// <summary>Writes a script under <c>server/script/</c> and returns its path relative to the tenant folder.</summary>
    public string WriteScript(string name, string source)
    {
        var relative = Path.Combine("server", "script", name);
        var full = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, source);
        return relative.Replace('\\', '/');
    }

    /// <summary>Copies a sample tenant's files from <c>plugins-sample/tenants/{id}</c> into this folder.</summary>
    public TenantFolder CopySample(string sampleTenantId)
    {
        var source = Path.Combine(RepositoryPaths.SampleTenants, sampleTenantId);
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return this;
    }

    /// <summary>Replaces text in one of the tenant's files (e.g. the partner URL with the stub's).</summary>
    public void Replace(string relativePath, string oldText, string newText)
    {
        var full = Path.Combine(Directory, relativePath);
        File.WriteAllText(full, File.ReadAllText(full).Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
