using System.Globalization;
using System.Text.Json;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>Reads and checks the verified inner message: expiry, event type, the issuer of class and object, and the nonce.</summary>
internal static class GoogleCallbackMessage
{
    /// <summary>The callback in <paramref name="signedMessage"/>; on a bad or foreign message returns null and a failure naming the field.</summary>
    public static GoogleCallback? Read(string signedMessage, string issuerId, DateTimeOffset now, out string? failure)
    {
        try
        {
            using var document = JsonDocument.Parse(signedMessage);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                failure = "signedMessage is not a JSON object";
                return null;
            }

            var expires = root.TryGetProperty("expTimeMillis", out var e) ? GoogleMillis.Read(e) : null;
            var eventType = String(root, "eventType");
            var classId = String(root, "classId");
            var objectId = String(root, "objectId");
            var nonce = String(root, "nonce");
            var prefix = issuerId + ".";
            failure = expires is null ? "signedMessage.expTimeMillis is missing or not milliseconds since the epoch"
                : expires <= now ? $"signedMessage.expTimeMillis {Iso(expires.Value)} is not after now ({Iso(now)}): the message has expired"
                : expires > now + GoogleWalletDefaults.CallbackLifetime
                    ? $"signedMessage.expTimeMillis {Iso(expires.Value)} is more than {GoogleWalletDefaults.CallbackLifetime.TotalDays:0} days after now ({Iso(now)}): its nonce would be forgotten before it expires"
                : eventType is not ("save" or "del") ? $"signedMessage.eventType is {Show(eventType)}; expected \"save\" or \"del\""
                : classId is null ? "signedMessage.classId is missing or not a string"
                : !classId.StartsWith(prefix, StringComparison.Ordinal) ? $"signedMessage.classId \"{classId}\" does not belong to issuer {issuerId} (it must start with \"{prefix}\")"
                : objectId is null ? "signedMessage.objectId is missing or not a string"
                : !objectId.StartsWith(prefix, StringComparison.Ordinal) ? $"signedMessage.objectId \"{objectId}\" does not belong to issuer {issuerId} (it must start with \"{prefix}\")"
                : string.IsNullOrEmpty(nonce) ? "signedMessage.nonce is missing or empty"
                : null;
            return failure is null ? new GoogleCallback(classId!, objectId!, eventType!, nonce!, expires!.Value) : null;
        }
        catch (JsonException e)
        {
            failure = $"signedMessage is not JSON: {e.Message}";
            return null;
        }
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Show(string? value) => value is null ? "missing or not a string" : $"\"{value}\"";

    private static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
