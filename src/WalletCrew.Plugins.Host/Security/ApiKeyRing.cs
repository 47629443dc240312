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
    private readonly string[] _stamps;

    public ApiKeyRing(IOptions<ApiKeyOptions> options)
    {
        var keys = options.Value.Keys.Where(k => k.Key is not null).ToList();
        _digests = [.. keys.Select(k => Digest(k.Key!))];
        _identities = [.. keys.Select(k => new ApiKeyIdentity(k.Path, k.ParsedScopes()))];
        _stamps = [.. _digests.Select(Stamp)];
    }

    /// <summary>
    /// A stamp of the key behind <paramref name="identity"/> (a hash of its digest, never the key), for a console session to
    /// name the key it was opened with; <see cref="FindByStamp"/> then ends the session once that key is no longer configured.
    /// </summary>
    public string StampOf(ApiKeyIdentity identity) => _stamps[Array.IndexOf(_identities, identity)];

    /// <summary>Returns the identity of the configured key with this stamp, or null when the key is gone or was rotated.</summary>
    public ApiKeyIdentity? FindByStamp(string stamp)
    {
        var index = Array.IndexOf(_stamps, stamp);
        return index < 0 ? null : _identities[index];
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

    private static string Stamp(byte[] digest) => Convert.ToHexString(SHA256.HashData(digest));
}
