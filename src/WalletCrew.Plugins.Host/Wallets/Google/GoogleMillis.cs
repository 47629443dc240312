using System.Globalization;
using System.Text.Json;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>Reads Google's times: milliseconds since the epoch, as a JSON string or number.</summary>
internal static class GoogleMillis
{
    private static readonly long Min = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long Max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The time in <paramref name="value"/>; null when it is neither an integer string nor an integer number in range.</summary>
    public static DateTimeOffset? Read(JsonElement value)
    {
        long millis = 0;
        var ok = value.ValueKind == JsonValueKind.String
            ? long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out millis)
            : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out millis);
        return ok && millis >= Min && millis <= Max ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : null;
    }
}
