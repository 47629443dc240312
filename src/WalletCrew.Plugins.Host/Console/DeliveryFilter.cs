using System.Globalization;
using Microsoft.Extensions.Primitives;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// The deliveries view's filters as the query string (or a form) carries them: <c>status</c> (repeated), <c>tenantId</c>,
/// <c>passId</c>, <c>from</c> and <c>to</c> (UTC, <c>yyyy-MM-ddTHH:mm</c>), <c>after</c> (the paging cursor) and
/// <c>asOf</c> (the receive time a replay preview counted up to, Unix ms). One place both reads and writes them.
/// </summary>
internal sealed record DeliveryFilter(
    IReadOnlyList<DeliveryStatus> Statuses, string? TenantId, string? PassId, DateTimeOffset? From, DateTimeOffset? To, DeliveryCursor? After, DateTimeOffset? AsOf)
{
    public const int PageSize = 50;
    public const string TimeFormat = "yyyy-MM-ddTHH:mm";

    /// <summary>Reads the filters; <paramref name="errors"/> names each field that could not be read (it is then left out).</summary>
    public static DeliveryFilter Read(Func<string, StringValues> get, ConsoleViewer viewer, List<string> errors)
    {
        var statuses = new List<DeliveryStatus>();
        foreach (var name in get("status"))
        {
            if (DeliveryStatusNames.TryParse(name, out var status))
            {
                statuses.Add(status);
            }
            else
            {
                errors.Add($"status: '{name}' is not a delivery status (pending, delivered, dead, skipped).");
            }
        }

        DeliveryCursor? after = null;
        if (Text(get("after")) is { } cursor && !DeliveryCursor.TryParse(cursor, out after))
        {
            errors.Add($"after: '{cursor}' is not a page cursor; start again from the first page.");
        }

        DateTimeOffset? asOf = null;
        if (Text(get("asOf")) is { } ms)
        {
            if (long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                asOf = DateTimeOffset.FromUnixTimeMilliseconds(value);
            }
            else
            {
                errors.Add($"asOf: '{ms}' is not a time in Unix milliseconds.");
            }
        }

        return new DeliveryFilter(
            [.. statuses.Distinct().Order()], viewer.Visible(Text(get("tenantId"))), Text(get("passId")),
            Time(get, "from", errors), Time(get, "to", errors), after, asOf);
    }

    /// <summary>The store query of this filter's page (or, with <paramref name="paged"/> false, of all its rows up to <see cref="AsOf"/>).</summary>
    public DeliveryQuery ToQuery(bool paged = true) => new(TenantId, Statuses, PassId, PageSize + 1)
    {
        ReceivedFrom = From,
        ReceivedBefore = paged ? To : Earliest(To, AsOf),
        After = paged ? After : null,
    };

    /// <summary>The filters as query-string pairs (without the cursor unless <paramref name="after"/> is given).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Pairs(DeliveryCursor? after = null, bool withAsOf = false)
    {
        foreach (var status in Statuses)
        {
            yield return new("status", status.ToName());
        }

        if (TenantId is not null)
        {
            yield return new("tenantId", TenantId);
        }

        if (PassId is not null)
        {
            yield return new("passId", PassId);
        }

        if (From is { } from)
        {
            yield return new("from", Format(from));
        }

        if (To is { } to)
        {
            yield return new("to", Format(to));
        }

        if (after is not null)
        {
            yield return new("after", after.ToString());
        }

        if (withAsOf && AsOf is { } asOf)
        {
            yield return new("asOf", asOf.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }
    }

    public string QueryString(DeliveryCursor? after = null, bool withAsOf = false) =>
        Microsoft.AspNetCore.Http.QueryString.Create(Pairs(after, withAsOf)).ToString();

    /// <summary>Hidden fields carrying the filters into a form.</summary>
    public Html HiddenFields(bool withAsOf) =>
        Html.Join(Pairs(null, withAsOf).Select(p => Html.Of($"""<input type="hidden" name="{p.Key}" value="{p.Value}">""")));

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static string? Text(StringValues values) => values.ToString() is { Length: > 0 } text ? text.Trim() : null;

    private static DateTimeOffset? Time(Func<string, StringValues> get, string name, List<string> errors)
    {
        if (Text(get(name)) is not { } text)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, [TimeFormat, TimeFormat + ":ss", "o"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return new DateTimeOffset(time, TimeSpan.Zero);
        }

        errors.Add($"{name}: '{text}' is not a UTC time like 2026-01-31T14:05.");
        return null;
    }
}
