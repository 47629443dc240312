using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Refuses to start without a usable API key, reporting every bad key at once.</summary>
internal sealed class ApiKeyValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (options.Keys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                $"No API key is configured. Set {ApiKeyOptions.Section}:0 (environment: WalletCrew__ApiKeys__0) to a random secret of at least {ApiKeyOptions.MinimumLength} characters, e.g. the output of `openssl rand -hex 32`; callers send it as 'Authorization: Bearer <key>'.");
        }

        var failures = new List<string>();
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            if (string.IsNullOrWhiteSpace(key) || key.Length < ApiKeyOptions.MinimumLength)
            {
                failures.Add($"{ApiKeyOptions.Section}:{i} is {key?.Length ?? 0} characters long; use at least {ApiKeyOptions.MinimumLength}.");
            }
            else if (key.Any(char.IsWhiteSpace))
            {
                failures.Add($"{ApiKeyOptions.Section}:{i} contains whitespace; a Bearer token cannot carry it.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
