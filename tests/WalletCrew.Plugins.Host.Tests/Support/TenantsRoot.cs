namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>A throwaway tenants root (and a folder for the SQLite file), deleted on dispose.</summary>
internal sealed class TenantsRoot : IDisposable
{
    public TenantsRoot()
    {
        Base = Path.Combine(Path.GetTempPath(), "wcp-host-tests", Guid.NewGuid().ToString("N"));
        Directory = Path.Combine(Base, "tenants");
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Base, "wcp.db");
    }

    public string Base { get; }

    /// <summary>Gets the tenants root.</summary>
    public string Directory { get; }

    /// <summary>Gets the SQLite file this test uses.</summary>
    public string DatabasePath { get; }

    /// <summary>Writes <c>{tenantId}/server/script/{name}</c>.</summary>
    public TenantsRoot WriteScript(string tenantId, string source, string name = "connector.csx")
    {
        var full = Path.Combine(Directory, tenantId, "server", "script", name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, source);
        return this;
    }

    /// <summary>Writes <c>{tenantId}/{relativePath}</c> (such as <c>server/email/welcome.liquid</c>).</summary>
    public TenantsRoot WriteFile(string tenantId, string relativePath, string text)
    {
        var full = Path.Combine([Directory, tenantId, .. relativePath.Split('/')]);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    /// <summary>Writes <c>{tenantId}/tenant.json</c> (the tenant's own limits, such as <c>limits.concurrentInvocations</c>).</summary>
    public TenantsRoot WriteSettings(string tenantId, string json)
    {
        var full = Path.Combine(Directory, tenantId, "tenant.json");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, json);
        return this;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
