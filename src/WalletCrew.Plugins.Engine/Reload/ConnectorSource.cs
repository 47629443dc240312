using System.Security.Cryptography;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>One connector on disk: a script file (or, later, a plugin folder), with the hash of its content.</summary>
/// <param name="DisplayPath">Its path relative to the tenant folder.</param>
/// <param name="FullPath">Its full path.</param>
internal sealed record ConnectorSource(string DisplayPath, string FullPath)
{
    public static IReadOnlyList<ConnectorSource> FindScripts(string tenantDirectory)
    {
        var scripts = Path.Combine(tenantDirectory, "server", "script");
        if (!Directory.Exists(scripts))
        {
            return [];
        }

        return
        [
            .. Directory.EnumerateFiles(scripts, "*.csx", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(path => new ConnectorSource(Path.GetRelativePath(tenantDirectory, path).Replace('\\', '/'), path)),
        ];
    }

    /// <summary>Reads the source and hashes it; <see langword="null"/> when the file vanished or is being written.</summary>
    public (string Text, string Hash)? Read()
    {
        try
        {
            var bytes = File.ReadAllBytes(FullPath);
            return (System.Text.Encoding.UTF8.GetString(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
