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

        // A callback is verified for the issuer of the tenant its address names: two tenants with one issuer would each
        // accept the messages Google signed for the other.
        foreach (var shared in options.Issuers.GroupBy(i => i.Value.Trim(), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var tenants = shared.Select(i => i.Key).Order(StringComparer.Ordinal).ToList();
            failures.Add($"{GoogleWalletDefaults.Section}:Issuers gives the issuer id {shared.Key} to the tenants {string.Join(", ", tenants)}; each issuer id belongs to one tenant, or each would accept the other's callbacks.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
