using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>
/// <c>If-Modified-Since</c> of the latest-pass route: an HTTP date as devices send it, or (tolerated) a number of seconds
/// since the epoch. HTTP dates have whole seconds, so the pass's time is compared truncated to its second.
/// </summary>
internal static class AppleConditionalGet
{
    public static DateTimeOffset ToHttpPrecision(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    public static bool IsUnchanged(string? ifModifiedSince, DateTimeOffset lastModified)
    {
        if (string.IsNullOrWhiteSpace(ifModifiedSince))
        {
            return false;
        }

        DateTimeOffset since;
        if (HeaderUtilities.TryParseDate(ifModifiedSince, out var date))
        {
            since = date;
        }
        else if (long.TryParse(ifModifiedSince.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            since = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        else
        {
            return false;
        }

        return since >= ToHttpPrecision(lastModified);
    }
}
