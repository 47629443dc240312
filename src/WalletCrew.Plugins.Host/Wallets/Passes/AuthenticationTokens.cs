using System.Security.Cryptography;
using System.Text;

namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>
/// A pass's Apple authentication token is kept only as its SHA-256 hash (the token is a random secret of at least 16
/// characters, so no slow hash is needed) and compared in constant time.
/// </summary>
internal static class AuthenticationTokens
{
    /// <summary>Apple's minimum length of <c>authenticationToken</c> in pass.json.</summary>
    public const int MinLength = 16;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(string token, byte[]? hash) =>
        hash is not null && CryptographicOperations.FixedTimeEquals(Hash(token), hash);
}
