using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Engine;

/// <summary>Validates tenant ids: <c>[a-z0-9][a-z0-9-]{0,62}</c>.</summary>
public static partial class TenantIds
{
    /// <summary>Returns whether the text is a valid tenant id.</summary>
    /// <param name="tenantId">The text to check.</param>
    /// <returns><see langword="true"/> when it is valid.</returns>
    public static bool IsValid(string? tenantId) => tenantId is not null && Pattern().IsMatch(tenantId);

    /// <summary>Explains why a tenant id is invalid.</summary>
    /// <param name="tenantId">The invalid id.</param>
    /// <returns>The message.</returns>
    public static string Explain(string? tenantId) =>
        $"'{tenantId}' is not a valid tenant id: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit.";

    // \z, not $: $ also matches before a final newline, and a route hands over "acme%0A" decoded.
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
