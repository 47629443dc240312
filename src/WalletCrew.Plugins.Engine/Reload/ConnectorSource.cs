using System.Runtime.CompilerServices;
using System.Text;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Plugins;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>One connector on disk, a script file or a plugin folder, with the hash of its content.</summary>
/// <param name="DisplayPath">Its path relative to the tenant folder.</param>
/// <param name="FullPath">Its full path.</param>
/// <param name="IsPlugin">Whether it is a plugin folder (<c>server/plugins/&lt;Name&gt;</c>) rather than a script.</param>
internal sealed record ConnectorSource(string DisplayPath, string FullPath, bool IsPlugin)
{
    /// <summary>Finds a tenant's scripts (<c>server/script/**/*.csx</c>), then its plugin folders, in a stable order.</summary>
    public static IReadOnlyList<ConnectorSource> Find(string tenantDirectory)
    {
        var scripts = TenantLayout.PathOf(tenantDirectory, TenantLayout.Scripts);
        var scriptSources = Directory.Exists(scripts)
            ? Directory.EnumerateFiles(scripts, "*.csx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(path => Create(tenantDirectory, path, false))
            : [];
        var pluginSources = PluginFolders.Find(tenantDirectory).Select(path => Create(tenantDirectory, path, true));
        return [.. scriptSources, .. pluginSources];
    }

    /// <summary>Reads the script (empty text for a plugin) and hashes the content; <see langword="null"/> when it vanished or is being written.</summary>
    public (string Text, string Hash)? Read()
    {
        try
        {
            if (IsPlugin)
            {
                return ("", PluginFolderDigest());
            }

            var bytes = File.ReadAllBytes(FullPath);
            return (Encoding.UTF8.GetString(bytes), ContentDigest.Of(bytes));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // A method of its own, never inlined: compiling Read for a script must not load the platform's cryptography, which a
    // plugin folder's digest uses (see ContentDigest).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string PluginFolderDigest()
    {
        using var hash = ContentDigest.OfParts();
        return hash.AddFiles(PluginFolders.Files(FullPath)).Finish();
    }

    private static ConnectorSource Create(string tenantDirectory, string path, bool isPlugin) =>
        new(Path.GetRelativePath(tenantDirectory, path).Replace('\\', '/'), path, isPlugin);
}
