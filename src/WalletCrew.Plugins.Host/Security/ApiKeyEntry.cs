namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// One configured key as written: either the plain form (<c>WalletCrew:ApiKeys:0</c>, or the single value
/// <c>WalletCrew:ApiKeys</c>), which has no scopes and counts as <c>platform</c> and <c>admin</c>, or the scoped form
/// <c>WalletCrew:ApiKeys:0:Key</c> with <c>WalletCrew:ApiKeys:0:Scopes:0…n</c>.
/// </summary>
/// <param name="Path">The entry's configuration path, used in messages and as the key's name in logs (never the key).</param>
/// <param name="KeyPath">Where the key itself is set.</param>
/// <param name="Key">The key, or null when the scoped form leaves it out.</param>
/// <param name="Scopes">Each configured scope with the path it was read from; empty in the plain form.</param>
/// <param name="IsPlain">Whether this is the plain form without scopes.</param>
/// <param name="UnknownSettings">Paths under the entry that are neither <c>Key</c> nor <c>Scopes</c>.</param>
internal sealed record ApiKeyEntry(
    string Path,
    string KeyPath,
    string? Key,
    IReadOnlyList<KeyValuePair<string, string?>> Scopes,
    bool IsPlain,
    IReadOnlyList<string> UnknownSettings)
{
    /// <summary>What a plain key may do, so configurations from before scopes keep working.</summary>
    public static readonly IReadOnlyList<ApiScope> PlainScopes = [ApiScope.Platform, ApiScope.Admin];

    public static ApiKeyEntry Plain(string path, string? key) => new(path, path, key, [], IsPlain: true, []);

    /// <summary>Returns the parsed scopes; only called once the validator has accepted them.</summary>
    public IReadOnlyList<ApiScope> ParsedScopes() => IsPlain
        ? PlainScopes
        : [.. Scopes.Select(s => ApiScope.TryParse(s.Value, out var scope, out _) ? scope : throw new InvalidOperationException($"{s.Key} was not validated.")).Distinct()];
}
