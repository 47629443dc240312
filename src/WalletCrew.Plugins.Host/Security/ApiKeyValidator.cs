using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Refuses to start without a usable API key, reporting every bad key and scope at once, each by its configuration path.</summary>
internal sealed class ApiKeyValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (options.Keys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                $"No API key is configured. Set {ApiKeyOptions.Section}:0:Key (environment: WalletCrew__ApiKeys__0__Key) to a random secret of at least {ApiKeyOptions.MinimumLength} characters, e.g. the output of `openssl rand -hex 32`, and {ApiKeyOptions.Section}:0:Scopes:0 to what it may do: {ApiScope.Forms}; callers send it as 'Authorization: Bearer <key>'.");
        }

        var failures = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in options.Keys)
        {
            CheckKey(entry, failures);
            if (entry.Key is { Length: > 0 } key && !seen.TryAdd(key, entry.KeyPath))
            {
                failures.Add($"{entry.KeyPath} repeats the key of {seen[key]}; configure each key once, with all its scopes.");
            }

            if (!entry.IsPlain)
            {
                CheckScopes(entry, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckKey(ApiKeyEntry entry, List<string> failures)
    {
        var key = entry.Key;
        if (key is null)
        {
            failures.Add($"{entry.KeyPath} is missing: set it to the key itself, a random secret of at least {ApiKeyOptions.MinimumLength} characters.");
        }
        else if (string.IsNullOrWhiteSpace(key) || key.Length < ApiKeyOptions.MinimumLength)
        {
            failures.Add($"{entry.KeyPath} is {key.Length} characters long; use at least {ApiKeyOptions.MinimumLength}.");
        }
        else if (key.Any(char.IsWhiteSpace))
        {
            failures.Add($"{entry.KeyPath} contains whitespace; a Bearer token cannot carry it.");
        }
    }

    private static void CheckScopes(ApiKeyEntry entry, List<string> failures)
    {
        foreach (var unknown in entry.UnknownSettings)
        {
            failures.Add($"{unknown} is not a setting of an API key: use Key and Scopes.");
        }

        if (entry.Scopes.Count == 0)
        {
            failures.Add($"{entry.Path}:Scopes is missing: list what the key may do, one or more of {ApiScope.Forms}.");
            return;
        }

        // A key reads and pushes at most one tenant: the first scope naming each tenant, for the message.
        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in entry.Scopes)
        {
            if (!ApiScope.TryParse(text, out var scope, out var error))
            {
                failures.Add($"{path} ('{text}') {error}");
            }
            else if (scope.AnyTenantId is { } tenant)
            {
                tenants.TryAdd(tenant, scope.Name);
            }
        }

        if (tenants.Count > 1)
        {
            failures.Add($"{entry.Path}:Scopes names more than one tenant ({string.Join(", ", tenants.Values)}); give each tenant its own key.");
        }
    }
}
