using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>The one definition of which paths a tenant's stored files may have, relative to the tenant folder.</summary>
internal static class TenantFilePaths
{
    public const string Settings = TenantLayout.Settings;

    public const string Scripts = TenantLayout.Scripts + "/";

    public const string Templates = TenantLayout.EmailTemplates + "/";

    public const string Plugins = TenantLayout.Plugins + "/";

    /// <summary>What the API accepts, for error messages.</summary>
    public const string Accepted = "tenant.json, server/script/**/*.csx, server/email/*.liquid (email templates), or server/plugins/<Name> (a zip of the plugin folder)";

    /// <summary>Returns why a file path is not acceptable, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return $"The file path is empty; use {Accepted}.";
        }

        if (path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal))
        {
            return $"'{path}' is not a relative path with '/' separators; use {Accepted}.";
        }

        var segments = path.Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".." || s.StartsWith('.')))
        {
            return $"'{path}' has an empty, '.', '..' or hidden segment; use {Accepted}.";
        }

        var accepted = path == Settings
            || (path.StartsWith(Scripts, StringComparison.Ordinal) && path.EndsWith(".csx", StringComparison.Ordinal))
            || (path.StartsWith(Templates, StringComparison.Ordinal) && segments.Length == 3 && path.EndsWith(TenantLayout.EmailTemplateExtension, StringComparison.Ordinal))
            || (path.StartsWith(Plugins, StringComparison.Ordinal) && segments.Length > 3);
        return accepted ? null : $"'{path}' is not a tenant file; use {Accepted}.";
    }

    /// <summary>Returns the plugin name when the path is a plugin folder (<c>server/plugins/&lt;Name&gt;</c>), else null.</summary>
    public static string? PluginFolder(string path)
    {
        var segments = path.Split('/');
        return segments.Length == 3 && path.StartsWith(Plugins, StringComparison.Ordinal) && segments[2].Length > 0 && !segments[2].StartsWith('.') ? segments[2] : null;
    }
}
