using System.Globalization;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>
/// The <c>lastUpdated</c> tag the serials route gives and a device echoes back as <c>passesUpdatedSince</c>: milliseconds
/// since the Unix epoch. Tags in seconds (the older format) are still read: a number below 10^11 cannot be a time in
/// milliseconds after March 1973, so it is taken as seconds and read as the start of that second (a pass changed later in
/// the same second is reported again rather than missed).
/// </summary>
internal static class AppleUpdateTags
{
    private const long LargestSeconds = 100_000_000_000;

    public static string Format(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string tag, out DateTimeOffset since)
    {
        since = default;
        if (!long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        since = value < LargestSeconds ? DateTimeOffset.FromUnixTimeSeconds(value) : DateTimeOffset.FromUnixTimeMilliseconds(value);
        return true;
    }
}
