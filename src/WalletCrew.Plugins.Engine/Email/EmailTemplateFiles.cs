namespace WalletCrew.Plugins.Engine.Email;

/// <summary>
/// Finds a tenant's email template: <c>server/email/&lt;template&gt;[.&lt;culture&gt;].liquid</c>, in the order of the request's
/// cultures, each followed by its parents (<c>fr-CA</c>, then <c>fr</c>), then the neutral file. Names match case-insensitively.
/// </summary>
internal sealed class EmailTemplateFiles(string tenantDirectory)
{
    /// <summary>The templates' folder, relative to the tenant folder.</summary>
    public const string Folder = TenantLayout.EmailTemplates;

    public const string Extension = TenantLayout.EmailTemplateExtension;

    /// <summary>Returns the first template file that exists, as (display path, full path).</summary>
    /// <exception cref="EmailTemplateException">The name or a culture is malformed, or no candidate exists (the message lists them).</exception>
    public (string DisplayPath, string FullPath) Find(string templateName, IReadOnlyList<string> cultures)
    {
        if (!IsValidTemplateName(templateName))
        {
            throw new EmailTemplateException($"'{templateName}' is not a valid email template name: use letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }

        var candidates = Candidates(templateName, cultures);
        var folder = TenantLayout.PathOf(tenantDirectory, TenantLayout.EmailTemplates);
        var files = ListFiles(folder);
        foreach (var candidate in candidates)
        {
            if (files.TryGetValue(candidate, out var full))
            {
                return ($"{Folder}/{Path.GetFileName(full)}", full);
            }
        }

        var looked = string.Join(", ", candidates.Select(c => $"{Folder}/{c}"));
        var cultureText = cultures.Count == 0 ? "no culture" : $"cultures {string.Join(", ", cultures)}";
        throw new EmailTemplateException($"No email template '{templateName}' for {cultureText}: looked for {looked}.");
    }

    /// <summary>Returns the file names looked for, in order.</summary>
    public static IReadOnlyList<string> Candidates(string templateName, IReadOnlyList<string> cultures)
    {
        var names = new List<string>();
        foreach (var culture in cultures)
        {
            if (!IsValidCulture(culture))
            {
                throw new EmailTemplateException($"'{culture}' is not a culture name (such as 'fr' or 'fr-CA').");
            }

            for (var current = culture; current.Length > 0; current = Parent(current))
            {
                var name = $"{templateName}.{current}{Extension}";
                if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(name);
                }
            }
        }

        names.Add(templateName + Extension);
        return names;
    }

    public static bool IsValidTemplateName(string name) => TenantLayout.IsValidEmailTemplateName(name);

    public static bool IsValidCulture(string culture) => TenantLayout.IsValidCulture(culture);

    private static string Parent(string culture)
    {
        var dash = culture.LastIndexOf('-');
        return dash < 0 ? "" : culture[..dash];
    }

    // A link could point the template at a file outside the tenant's folder: neither the folder nor a template may be one.
    private static Dictionary<string, string> ListFiles(string folder)
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var directory = new DirectoryInfo(folder);
        if (!directory.Exists || directory.LinkTarget is not null)
        {
            return files;
        }

        foreach (var file in directory.EnumerateFiles("*" + Extension))
        {
            if (file.LinkTarget is null)
            {
                files.TryAdd(file.Name, file.FullName);
            }
        }

        return files;
    }
}
