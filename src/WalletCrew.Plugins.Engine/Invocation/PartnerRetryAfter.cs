using System.Globalization;
using System.Net.Http.Headers;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// Reads the wait a partner asked for from the failure that ended a hook: a <see cref="FetchException"/> for a 429 or 503
/// answer carrying <c>Retry-After</c> (seconds, or an HTTP date), anywhere in the exception's chain.
/// </summary>
internal static class PartnerRetryAfter
{
    public static RetryConditionHeaderValue? From(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is FetchException { Response: { Status: 429 or 503 } response }
                && response.Headers.TryGetValue("Retry-After", out var value))
            {
                return Parse(value.Trim());
            }
        }

        return null;
    }

    /// <summary>Returns the wait <paramref name="value"/> asks for as seen at <paramref name="now"/>; null when it asks for none.</summary>
    public static TimeSpan? WaitFrom(RetryConditionHeaderValue? value, DateTimeOffset now) => value switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > now => date - now,
        _ => null,
    };

    private static RetryConditionHeaderValue? Parse(string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.FromDays(365).TotalSeconds)));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? new RetryConditionHeaderValue(date)
            : null;
    }
}
