using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Wallets.Google;

namespace WalletCrew.Plugins.Host.Tests.Wallets.Google;

/// <summary>Signs callbacks the way Google does (ECv2SigningOnly): a root key signs the intermediate key, which signs the message.</summary>
internal sealed class GoogleTestSigner : IDisposable
{
    public GoogleTestSigner(ECDsa? root = null, ECDsa? intermediate = null)
    {
        Root = root ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Intermediate = intermediate ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public ECDsa Root { get; }

    public ECDsa Intermediate { get; }

    /// <summary>Google's root key document holding this signer's root key (plus an ECv2 key the verifier must ignore).</summary>
    public string RootKeysJson(DateTimeOffset expiration)
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new JsonObject
        {
            ["keys"] = new JsonArray(
                new JsonObject { ["keyValue"] = Base64(other), ["protocolVersion"] = "ECv2", ["keyExpiration"] = Millis(expiration) },
                new JsonObject { ["keyValue"] = Base64(Root), ["protocolVersion"] = "ECv2SigningOnly", ["keyExpiration"] = Millis(expiration) }),
        }.ToJsonString();
    }

    /// <summary>A callback body for <paramref name="message"/>; <paramref name="keyExpiration"/> null leaves keyExpiration out.</summary>
    public string Sign(string message, string recipient, DateTimeOffset? keyExpiration, string sender = GoogleWalletDefaults.SenderId)
    {
        var signedKey = new JsonObject { ["keyValue"] = Base64(Intermediate) };
        if (keyExpiration is { } expiration)
        {
            signedKey["keyExpiration"] = Millis(expiration);
        }

        var signedKeyText = signedKey.ToJsonString();
        var keySignature = Root.SignData(GoogleSignedBytes.LengthValue(sender, "ECv2SigningOnly", signedKeyText), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var signature = Intermediate.SignData(GoogleSignedBytes.LengthValue(sender, recipient, "ECv2SigningOnly", message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["signature"] = Convert.ToBase64String(signature),
            ["intermediateSigningKey"] = new JsonObject { ["signedKey"] = signedKeyText, ["signatures"] = new JsonArray(Convert.ToBase64String(keySignature)) },
            ["protocolVersion"] = "ECv2SigningOnly",
            ["signedMessage"] = message,
        }.ToJsonString();
    }

    /// <summary>The inner message Google sends; <paramref name="expTimeMillis"/> is a string or a number, as both occur.</summary>
    public static string Message(string classId, string objectId, string eventType, JsonNode? expTimeMillis, string nonce) => new JsonObject
    {
        ["classId"] = classId,
        ["objectId"] = objectId,
        ["eventType"] = eventType,
        ["expTimeMillis"] = expTimeMillis,
        ["count"] = 1,
        ["nonce"] = nonce,
    }.ToJsonString();

    /// <summary>Changes one field of a signed body after signing (as a forger would).</summary>
    public static string Tamper(string body, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    public static string Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
    }

    private static string Base64(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
}
