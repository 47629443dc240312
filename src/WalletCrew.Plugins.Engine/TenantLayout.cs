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

    /// <summary>Returns the full path of one of the folders above inside <paramref name="tenantDirectory"/>.</summary>
    public static string PathOf(string tenantDirectory, string relativeFolder) =>
        Path.Combine([tenantDirectory, .. relativeFolder.Split('/')]);
}
