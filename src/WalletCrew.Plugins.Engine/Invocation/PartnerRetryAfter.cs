using System.Globalization;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// Reads the wait a partner asked for from the failure that ended a hook: a <see cref="FetchException"/> for a 429 or 503
/// answer carrying <c>Retry-After</c> (seconds, or an HTTP date read against the engine's clock), anywhere in the
/// exception's chain.
/// </summary>
internal static class PartnerRetryAfter
{
    /// <summary>The longest wait the engine takes from a partner (or a worker's report of one).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public static TimeSpan? From(Exception? exception, DateTimeOffset now)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is FetchException { Response: { Status: 429 or 503 } response }
                && response.Headers.TryGetValue("Retry-After", out var value))
            {
                return Parse(value.Trim(), now);
            }
        }

        return null;
    }

    private static TimeSpan? Parse(string value, DateTimeOffset now)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)Longest.TotalSeconds));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date > now
            ? TimeSpan.FromTicks(Math.Min((date - now).Ticks, Longest.Ticks))
            : null;
    }
}
