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

    /// <summary>The longest path a tenant file may have, in characters: every host must be able to write it below its own
    /// tenant files folder (Linux takes 4,096 bytes for a whole path).</summary>
    public const int MaxPathChars = 1024;

    /// <summary>The longest name of a folder or file in a tenant file's path, in UTF-8 bytes (what Linux file systems take).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Returns why a file path is not acceptable, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (Unsafe(path) is { } unsafePath)
        {
            return unsafePath;
        }

        var segments = path.Split('/');
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
        return Unsafe(path) is null && segments.Length == 3 && path.StartsWith(Plugins, StringComparison.Ordinal) ? segments[2] : null;
    }

    // Why a path could not be a file below a tenant folder on every host, whatever it names; null when it could be.
    private static string? Unsafe(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return $"The file path is empty; use {Accepted}.";
        }

        if (Unwritable(path) is { } unwritable)
        {
            return $"The file path {unwritable}";
        }

        if (path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal))
        {
            return $"'{path}' is not a relative path with '/' separators; use {Accepted}.";
        }

        var segments = path.Split('/');
        return segments.Any(s => s.Length == 0 || s is "." or ".." || s.StartsWith('.'))
            ? $"'{path}' has an empty, '.', '..' or hidden segment; use {Accepted}."
            : null;
    }

    /// <summary>
    /// Why a relative path, '/'-separated, could not be written below a tenant folder on every host, as the end of a sentence
    /// about it ("has a control character at position 4."): a control character, a name longer than <see cref="MaxNameBytes"/>,
    /// a path longer than <see cref="MaxPathChars"/>; null when it could. The path itself is not repeated when it holds a
    /// control character.
    /// </summary>
    public static string? Unwritable(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            if (char.IsControl(path[i]))
            {
                return $"has a control character at position {i + 1}; names are printable text.";
            }
        }

        if (path.Length > MaxPathChars)
        {
            return $"'{path[..40]}…' is {path.Length} characters long; the limit is {MaxPathChars}.";
        }

        return path.Split('/').FirstOrDefault(s => System.Text.Encoding.UTF8.GetByteCount(s) > MaxNameBytes) is { } name
            ? $"'{path}' has a name of {System.Text.Encoding.UTF8.GetByteCount(name)} bytes; a folder or file name is at most {MaxNameBytes} bytes."
            : null;
    }
}
