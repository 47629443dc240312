namespace WalletCrew.Plugins.Engine;

/// <summary>
/// Where a tenant's files live inside its folder, in one place: the engine loads from these paths and the host's files API
/// accepts exactly these (paths relative to the tenant folder, with '/' separators).
/// </summary>
public static class TenantLayout
{
    /// <summary>The tenant's settings file.</summary>
    public const string Settings = "tenant.json";

    /// <summary>The scripts' folder; every <c>*.csx</c> below it is a connector.</summary>
    public const string Scripts = "server/script";

    /// <summary>The plugins' folder; each sub-folder is one plugin.</summary>
    public const string Plugins = "server/plugins";

    /// <summary>The email templates' folder: <c>&lt;template&gt;[.&lt;culture&gt;].liquid</c>.</summary>
    public const string EmailTemplates = "server/email";

    /// <summary>The file name extension of an email template.</summary>
    public const string EmailTemplateExtension = ".liquid";

    /// <summary>Returns whether <paramref name="name"/> can name an email template: letters, digits, '-', '_' or '.', starting with a letter or digit, at most 128 characters.</summary>
    public static bool IsValidEmailTemplateName(string name) =>
        name.Length is > 0 and <= 128 && char.IsAsciiLetterOrDigit(name[0]) && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Returns whether <paramref name="culture"/> has the shape of a culture name in a template file name (such as <c>fr</c> or <c>fr-CA</c>).</summary>
    public static bool IsValidCulture(string culture) =>
        culture.Length is > 0 and <= 35 && char.IsAsciiLetter(culture[0]) && culture.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && !culture.EndsWith('-') && !culture.Contains("--", StringComparison.Ordinal);

    /// <summary>Returns the full path of one of the folders above inside <paramref name="tenantDirectory"/>.</summary>
    public static string PathOf(string tenantDirectory, string relativeFolder) =>
        Path.Combine([tenantDirectory, .. relativeFolder.Split('/')]);
}
