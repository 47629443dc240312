namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// A pass the platform put in the registry: what the wallet routes authenticate against and serve. The Apple fields are set
/// together or not at all, as are the Google ones; the token is kept only as its SHA-256 hash.
/// </summary>
/// <param name="UpdatedAt">When the pass last changed for the wallets (its Apple update tag); strictly increases per pass.</param>
internal sealed record WalletPass(
    string TenantId,
    string PassId,
    string PassType,
    IReadOnlyDictionary<string, string> Identifiers,
    RegistrationSourceData? Source,
    string? SerialNumber,
    string? PassTypeIdentifier,
    byte[]? AuthenticationTokenHash,
    string? GoogleClassId,
    string? GoogleObjectId,
    byte[]? Pkpass,
    DateTimeOffset? PkpassModifiedAt,
    DateTimeOffset UpdatedAt);
