namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>Finds a tenant's plugin folders: <c>server/plugins/&lt;Name&gt;/</c>, each holding <c>&lt;Name&gt;.dll</c> and its dependencies.</summary>
internal static class PluginFolders
{
    public static IEnumerable<string> Find(string tenantDirectory)
    {
        var plugins = TenantLayout.PathOf(tenantDirectory, TenantLayout.Plugins);
        return Directory.Exists(plugins)
            ? Directory.EnumerateDirectories(plugins).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>Returns every file of <paramref name="pluginFolder"/>, with its path relative to the folder ('/'-separated), in ordinal order of that path.</summary>
    public static List<(string Full, string Relative)> Files(string pluginFolder) =>
        [.. Directory.EnumerateFiles(pluginFolder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(pluginFolder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)];
}
