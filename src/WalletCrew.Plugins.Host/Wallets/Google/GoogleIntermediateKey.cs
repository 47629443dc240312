using System.Text.Json;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>The intermediate signing key inside <c>signedKey</c>: a P-256 public key and its expiry.</summary>
internal sealed record GoogleIntermediateKey(byte[] SubjectPublicKeyInfo, DateTimeOffset Expiration)
{
    /// <summary>Reads the signed key's JSON; on bad input returns null and a failure naming the field.</summary>
    public static GoogleIntermediateKey? Read(string signedKey, out string? failure)
    {
        try
        {
            using var document = JsonDocument.Parse(signedKey);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                failure = "intermediateSigningKey.signedKey is not a JSON object";
                return null;
            }

            var value = root.TryGetProperty("keyValue", out var v) && v.ValueKind == JsonValueKind.String
                ? GoogleSignedBytes.TryDecodeP256Key(v.GetString()!)
                : null;
            if (value is null)
            {
                failure = "intermediateSigningKey.signedKey.keyValue is missing or not a base64 X.509 P-256 public key";
                return null;
            }

            if (!root.TryGetProperty("keyExpiration", out var e))
            {
                failure = "intermediateSigningKey.signedKey.keyExpiration is missing";
                return null;
            }

            var expiration = GoogleMillis.Read(e);
            failure = expiration is null ? "intermediateSigningKey.signedKey.keyExpiration is not milliseconds since the epoch" : null;
            return expiration is null ? null : new GoogleIntermediateKey(value, expiration.Value);
        }
        catch (JsonException e)
        {
            failure = $"intermediateSigningKey.signedKey is not JSON: {e.Message}";
            return null;
        }
    }
}
