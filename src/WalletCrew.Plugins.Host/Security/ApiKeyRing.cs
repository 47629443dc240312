using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// The configured keys as SHA-256 digests with their scopes. A presented key is compared with every digest using
/// <see cref="CryptographicOperations.FixedTimeEquals"/> and no early exit, so neither content, length nor position leaks through timing.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly byte[][] _digests;
    private readonly ApiKeyIdentity[] _identities;

    public ApiKeyRing(IOptions<ApiKeyOptions> options)
    {
        var keys = options.Value.Keys.Where(k => k.Key is not null).ToList();
        _digests = [.. keys.Select(k => Digest(k.Key!))];
        _identities = [.. keys.Select(k => new ApiKeyIdentity(k.Path, k.ParsedScopes()))];
    }

    /// <summary>Returns the identity of the presented key, or null when it is not configured.</summary>
    public ApiKeyIdentity? Find(string presented)
    {
        var digest = Digest(presented);
        ApiKeyIdentity? found = null;
        for (var i = 0; i < _digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]))
            {
                found = _identities[i];
            }
        }

        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
