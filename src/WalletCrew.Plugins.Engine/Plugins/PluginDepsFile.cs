using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Reads a plugin's <c>.deps.json</c> only to refuse what it names outside the plugin folder. The loader never resolves
/// through it (nor through <c>runtimeconfig.json</c> probing paths): it loads the judged files of the folder, by assembly name.
/// </summary>
internal static class PluginDepsFile
{
    private static readonly string[] AssetGroups = ["runtime", "resources", "native", "runtimeTargets"];

    /// <summary>Returns every asset path the file names that resolves outside <paramref name="folder"/>.</summary>
    public static IEnumerable<string> OutsideThe(string folder, string depsFile)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(depsFile));
        }
        catch (JsonException)
        {
            return []; // unreadable: nothing is loaded through it anyway
        }

        using (document)
        {
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
            return Assets(document.RootElement)
                .Where(asset => !Path.GetFullPath(Path.Combine(folder, asset)).StartsWith(root, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
    }

    private static IEnumerable<string> Assets(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var library in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object).SelectMany(t => t.Value.EnumerateObject()))
        {
            if (library.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var group in AssetGroups)
            {
                if (library.Value.TryGetProperty(group, out var assets) && assets.ValueKind == JsonValueKind.Object)
                {
                    foreach (var asset in assets.EnumerateObject())
                    {
                        yield return asset.Name;
                    }
                }
            }
        }
    }
}
