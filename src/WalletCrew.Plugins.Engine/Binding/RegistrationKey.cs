namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>A parsed registration key: which contract it names, and the provider's name for customer providers.</summary>
/// <param name="Kind">The contract.</param>
/// <param name="ProviderName">The customer provider's name, or <see langword="null"/>.</param>
internal sealed record RegistrationKey(RegistrationKind Kind, string? ProviderName)
{
    private static readonly string[] Known = [RegistrationKeys.PassUpdater, RegistrationKeys.CustomerProviderPrefix + "<name>", RegistrationKeys.EmailEngine];

    public static (RegistrationKey? Key, BindError? Error) Parse(string? key)
    {
        if (string.Equals(key, RegistrationKeys.PassUpdater, StringComparison.Ordinal))
        {
            return (new RegistrationKey(RegistrationKind.PassUpdater, null), null);
        }

        if (key is not null && key.StartsWith(RegistrationKeys.CustomerProviderPrefix, StringComparison.Ordinal))
        {
            var name = key[RegistrationKeys.CustomerProviderPrefix.Length..];
            return IsValidProviderName(name)
                ? (new RegistrationKey(RegistrationKind.CustomerProvider, name), null)
                : (null, new BindError(BindingCodes.UnknownKey, $"'{name}' is not a valid customer provider name in '{key}': use letters, digits, '-' or '_'."));
        }

        if (string.Equals(key, RegistrationKeys.EmailEngine, StringComparison.Ordinal))
        {
            return (new RegistrationKey(RegistrationKind.EmailEngine, null), null);
        }

        var suggestion = key is null ? "" : Suggest(key);
        return (null, new BindError(BindingCodes.UnknownKey, $"Unknown registration key '{key}'.{suggestion} Supported keys: {string.Join(", ", Known)}."));
    }

    private static string Suggest(string key)
    {
        var prefix = RegistrationKeys.CustomerProviderPrefix;
        var dot = key.LastIndexOf('.');
        if (dot > 0 && Suggestions.Closest(key[..(dot + 1)], [prefix]) is not null)
        {
            return $" Did you mean '{prefix}{key[(dot + 1)..]}'?";
        }

        return Suggestions.DidYouMean(key, [RegistrationKeys.PassUpdater, RegistrationKeys.EmailEngine]);
    }

    private static bool IsValidProviderName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>The registration points the engine binds.</summary>
internal enum RegistrationKind
{
    PassUpdater,
    CustomerProvider,
    EmailEngine,
}
