using System.Reflection;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>
/// The scaffolds of <c>wcp new</c>: the files of the <c>dotnet new</c> template pack (src/WalletCrew.Plugins.Templates/content),
/// embedded in wcp and filled in as <c>dotnet new</c> fills them: the template's source name becomes the connector's name, and
/// the Abstractions version becomes this wcp's.
/// </summary>
internal static class ConnectorTemplates
{
    /// <summary>The plugin class library (<c>dotnet new wcp-plugin</c>).</summary>
    public static readonly ConnectorTemplate Plugin = new("wcp-plugin", "WcpPlugin1");

    /// <summary>The connector script, laid out from the tenant folder (<c>dotnet new wcp-script</c>).</summary>
    public static readonly ConnectorTemplate Script = new("wcp-script", "WcpScript1");

    /// <summary>The token in the template files that stands for the WalletCrew.Plugins.Abstractions package version.</summary>
    private const string VersionToken = "WCP_ABSTRACTIONS_VERSION";

    private const string ResourcePrefix = "templates/";

    /// <summary>Gets the WalletCrew.Plugins.Abstractions version this wcp was built with: the package version a plugin references.</summary>
    public static string AbstractionsVersion { get; } = PackageVersion(typeof(IPassUpdater).Assembly);

    /// <summary>Returns the files of <paramref name="template"/> for <paramref name="name"/>, by path relative to the output folder ('/'-separated).</summary>
    public static IReadOnlyDictionary<string, string> Render(ConnectorTemplate template, string name)
    {
        var assembly = typeof(ConnectorTemplates).Assembly;
        var prefix = ResourcePrefix + template.ShortName + "/";
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var text = reader.ReadToEnd().Replace(template.SourceName, name, StringComparison.Ordinal).Replace(VersionToken, AbstractionsVersion, StringComparison.Ordinal);
            files[normalized[prefix.Length..].Replace(template.SourceName, name, StringComparison.Ordinal)] = text;
        }

        return files.Count > 0 ? files : throw new InvalidOperationException($"The '{template.ShortName}' template is not embedded in wcp: rebuild it.");
    }

    // The informational version without its source revision ("0.1.0+abc123" → "0.1.0"): the package version.
    private static string PackageVersion(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version!.ToString(3);
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}

/// <summary>One template of the pack: its <c>dotnet new</c> short name (its folder) and the source name that <c>-n</c> replaces.</summary>
internal sealed record ConnectorTemplate(string ShortName, string SourceName);
