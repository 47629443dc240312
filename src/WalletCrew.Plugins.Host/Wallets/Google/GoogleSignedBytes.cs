using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>The bytes Google signs and the ECDSA P-256/SHA-256 check over them (BCL only, DER signatures).</summary>
internal static class GoogleSignedBytes
{
    /// <summary>Joins each part as its 4-byte little-endian UTF-8 length followed by its UTF-8 bytes.</summary>
    public static byte[] LengthValue(params ReadOnlySpan<string> parts)
    {
        var size = 0;
        foreach (var part in parts)
        {
            size += 4 + Encoding.UTF8.GetByteCount(part);
        }

        var bytes = new byte[size];
        var at = 0;
        foreach (var part in parts)
        {
            var length = Encoding.UTF8.GetBytes(part, bytes.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), length);
            at += 4 + length;
        }

        return bytes;
    }

    /// <summary>Whether <paramref name="derSignature"/> is a valid signature of <paramref name="data"/> by the P-256 key in <paramref name="subjectPublicKeyInfo"/>.</summary>
    public static bool Verifies(byte[] subjectPublicKeyInfo, byte[] data, byte[] derSignature)
    {
        try
        {
            using var key = ImportP256(subjectPublicKeyInfo);
            return key.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Imports a base64 X.509 SubjectPublicKeyInfo; throws <see cref="CryptographicException"/> unless it is an EC key on P-256.</summary>
    public static ECDsa ImportP256(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException("The key is not a P-256 public key.");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Decodes base64 and checks the bytes are a P-256 public key; null when not.</summary>
    public static byte[]? TryDecodeP256Key(string base64)
    {
        var bytes = TryDecodeBase64(base64);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            using var key = ImportP256(bytes);
            return bytes;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Decodes standard base64; null when it is not.</summary>
    public static byte[]? TryDecodeBase64(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }
}
