using System.Text.Json;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>The outer callback body: the intermediate key with its signatures, and the message with its signature (nothing verified yet).</summary>
internal sealed record GoogleCallbackEnvelope(string SignedKey, IReadOnlyList<byte[]> KeySignatures, string SignedMessage, byte[] Signature)
{
    /// <summary>
    /// The most intermediate-key signatures read: each is checked against every root key for every sender id, so a body
    /// of thousands (anyone may post one, before any check) would hold a core for a second. Google sends one.
    /// </summary>
    public const int MaxKeySignatures = 8;

    /// <summary>Reads the body; on bad input returns null and a failure naming the field.</summary>
    public static GoogleCallbackEnvelope? Read(string body, out string? failure)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            failure = "body is not JSON: it is empty";
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            failure = $"body is not JSON: {e.Message}";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                failure = $"body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
                return null;
            }

            var version = String(root, "protocolVersion");
            if (version != GoogleWalletDefaults.ProtocolVersion)
            {
                failure = $"protocolVersion is {Show(version)}; expected \"{GoogleWalletDefaults.ProtocolVersion}\"";
                return null;
            }

            failure = null;
            var signedMessage = String(root, "signedMessage");
            var signature = Base64(String(root, "signature"));
            var key = root.TryGetProperty("intermediateSigningKey", out var k) && k.ValueKind == JsonValueKind.Object ? k : (JsonElement?)null;
            var signedKey = key is { } s ? String(s, "signedKey") : null;
            var signatures = key is { } g && g.TryGetProperty("signatures", out var a) && a.ValueKind == JsonValueKind.Array ? a : (JsonElement?)null;
            var count = signatures?.GetArrayLength() ?? 0;

            // Past the bound nothing is decoded.
            var keySignatures = signatures is { } array && count is > 0 and <= MaxKeySignatures ? Decode(array) : null;
            failure = signedMessage is null ? "signedMessage is missing or not a string"
                : signature is null ? "signature is missing or not base64"
                : key is null ? "intermediateSigningKey is missing or not an object"
                : key.Value.EnumerateObject().Count() != 2 ? "intermediateSigningKey must hold exactly signedKey and signatures"
                : signedKey is null ? "intermediateSigningKey.signedKey is missing or not a string"
                : count > MaxKeySignatures ? $"intermediateSigningKey.signatures holds {count} signatures; at most {MaxKeySignatures} are read"
                : keySignatures is null ? "intermediateSigningKey.signatures is missing, empty, or holds a value that is not base64"
                : null;
            return failure is null ? new GoogleCallbackEnvelope(signedKey!, keySignatures!, signedMessage!, signature!) : null;
        }
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Base64(string? value) => value is null ? null : GoogleSignedBytes.TryDecodeBase64(value);

    // The signatures array's values, decoded; null when one is not a base64 string.
    private static List<byte[]>? Decode(JsonElement array)
    {
        var signatures = new List<byte[]>();
        foreach (var item in array.EnumerateArray())
        {
            var bytes = item.ValueKind == JsonValueKind.String ? Base64(item.GetString()) : null;
            if (bytes is null)
            {
                return null;
            }

            signatures.Add(bytes);
        }

        return signatures;
    }

    private static string Show(string? value) => value is null ? "missing or not a string" : $"\"{value}\"";
}
