using Microsoft.Extensions.Configuration;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Reads <c>WalletCrew:ApiKeys</c> in each of its shapes into entries; the validator judges them.</summary>
internal static class ApiKeyConfiguration
{
    private const string KeySetting = "Key";
    private const string ScopesSetting = "Scopes";

    public static List<ApiKeyEntry> Read(IConfigurationSection section)
    {
        // The single value (WalletCrew:ApiKeys) counts beside any entries, as an override source may leave null entries behind.
        var entries = new List<ApiKeyEntry>();
        if (section.Value is { } single)
        {
            entries.Add(ApiKeyEntry.Plain(section.Path, single));
        }

        foreach (var child in section.GetChildren())
        {
            var settings = child.GetChildren().ToList();
            if (settings.Count == 0)
            {
                // A null value is a removed key (an override set to null), not an empty one.
                if (child.Value is not null)
                {
                    entries.Add(ApiKeyEntry.Plain(child.Path, child.Value));
                }

                continue;
            }

            var key = child.GetSection(KeySetting);
            entries.Add(new ApiKeyEntry(
                child.Path,
                key.Path,
                key.Value,
                ReadScopes(child.GetSection(ScopesSetting)),
                IsPlain: false,
                [.. settings.Where(s => !IsKnown(s.Key)).Select(s => s.Path)]));
        }

        return entries;
    }

    // Scopes:0, Scopes:1, … or, for one environment variable, a comma-separated Scopes value.
    private static List<KeyValuePair<string, string?>> ReadScopes(IConfigurationSection scopes) =>
        scopes.Value is { } list
            ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => new KeyValuePair<string, string?>(scopes.Path, s))]
            : [.. scopes.GetChildren().Select(s => new KeyValuePair<string, string?>(s.Path, s.Value))];

    private static bool IsKnown(string name) =>
        string.Equals(name, KeySetting, StringComparison.OrdinalIgnoreCase) || string.Equals(name, ScopesSetting, StringComparison.OrdinalIgnoreCase);
}
