using System.Text.Json;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>Reads Google's root key document (<c>{"keys":[{"keyValue","protocolVersion","keyExpiration"}]}</c>) and keeps its <c>ECv2SigningOnly</c> keys.</summary>
internal static class GoogleRootKeyDocument
{
    /// <summary>Loads the keys the options name (file or inline); no keys when neither is set. Reports every problem at once.</summary>
    public static (IReadOnlyList<GoogleRootKey> Keys, IReadOnlyList<string> Errors) Load(GoogleWalletOptions options)
    {
        var file = Blank(options.RootKeysFile) ? null : options.RootKeysFile;
        var inline = Blank(options.RootKeys) ? null : options.RootKeys;
        if (file is not null && inline is not null)
        {
            return ([], [$"{GoogleWalletDefaults.Section}: both RootKeys and RootKeysFile are set; set one of them."]);
        }

        if (file is not null)
        {
            if (!File.Exists(file))
            {
                return ([], [$"{GoogleWalletDefaults.Section}:RootKeysFile '{Path.GetFullPath(file)}' does not exist."]);
            }

            return Parse(File.ReadAllText(file), $"{GoogleWalletDefaults.Section}:RootKeysFile '{file}'");
        }

        return inline is null ? ([], []) : Parse(inline, $"{GoogleWalletDefaults.Section}:RootKeys");
    }

    /// <summary>Parses a key document; <paramref name="source"/> names it in the errors.</summary>
    public static (IReadOnlyList<GoogleRootKey> Keys, IReadOnlyList<string> Errors) Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return ([], [$"{source} is not JSON: {e.Message}"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
            {
                return ([], [$"{source} has no \"keys\" array; expected {{\"keys\":[{{\"keyValue\",\"protocolVersion\",\"keyExpiration\"}}]}}."]);
            }

            var found = new List<GoogleRootKey>();
            var errors = new List<string>();
            var index = 0;
            foreach (var key in keys.EnumerateArray())
            {
                var at = $"{source} keys[{index++}]";
                if (key.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{at} is not an object.");
                }
                else if (key.TryGetProperty("protocolVersion", out var version) && version.ValueKind == JsonValueKind.String
                    && version.GetString() == GoogleWalletDefaults.ProtocolVersion)
                {
                    ReadKey(key, at, found, errors);
                }
            }

            if (errors.Count == 0 && found.Count == 0)
            {
                errors.Add($"{source} has no key with protocolVersion \"{GoogleWalletDefaults.ProtocolVersion}\".");
            }

            return (found, errors);
        }
    }

    private static void ReadKey(JsonElement key, string at, List<GoogleRootKey> found, List<string> errors)
    {
        var value = key.TryGetProperty("keyValue", out var v) && v.ValueKind == JsonValueKind.String
            ? GoogleSignedBytes.TryDecodeP256Key(v.GetString()!)
            : null;
        if (value is null)
        {
            errors.Add($"{at}.keyValue is not a base64 X.509 P-256 public key.");
        }

        // Tink: for ECv2SigningOnly a key without keyExpiration is not trusted.
        var expiration = key.TryGetProperty("keyExpiration", out var e) ? GoogleMillis.Read(e) : null;
        if (expiration is null)
        {
            errors.Add($"{at}.keyExpiration is missing or not milliseconds since the epoch; {GoogleWalletDefaults.ProtocolVersion} keys must carry one.");
        }

        if (value is not null && expiration is not null)
        {
            found.Add(new GoogleRootKey(value, expiration.Value));
        }
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
