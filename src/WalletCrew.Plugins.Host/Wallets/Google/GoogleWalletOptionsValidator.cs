using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>Checks the Google Wallet settings at start: the root keys load and parse, the sender ids and issuers are usable; reports every problem at once.</summary>
internal sealed class GoogleWalletOptionsValidator : IValidateOptions<GoogleWalletOptions>
{
    public ValidateOptionsResult Validate(string? name, GoogleWalletOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(GoogleRootKeyDocument.Load(options).Errors);
        if (string.IsNullOrWhiteSpace(options.SenderId))
        {
            failures.Add($"{GoogleWalletDefaults.Section}:SenderId is empty; the default is \"{GoogleWalletDefaults.SenderId}\".");
        }

        foreach (var (tenantId, issuerId) in options.Issuers.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(issuerId) || issuerId.Any(c => char.IsWhiteSpace(c) || c == '.'))
            {
                failures.Add($"{GoogleWalletDefaults.Section}:Issuers:{tenantId} is \"{issuerId}\"; an issuer id is Google's number for the issuer, such as 3388000000012345678 (no spaces or dots).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
