using System.Globalization;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>
/// Renders times as <c>&lt;time&gt;</c> in UTC with UTC in the title; the console's script rewrites the text into the
/// viewer's own zone, so the hover always shows UTC.
/// </summary>
internal static class ConsoleTime
{
    public static Html At(DateTimeOffset? time)
    {
        if (time is not { } t)
        {
            return Html.Of($"<span class=\"muted\">—</span>");
        }

        var utc = t.UtcDateTime;
        var iso = utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var text = utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        return Html.Of($"""<time datetime="{iso}" title="{text}">{text}</time>""");
    }

    /// <summary>A duration for people: 45 s, 12 min, 3 h 5 min, 2 d 4 h.</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, (int)age.TotalSeconds)} s",
        { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes} min",
        { TotalHours: < 48 } => $"{(int)age.TotalHours} h {age.Minutes} min",
        _ => $"{(int)age.TotalDays} d {age.Hours} h",
    };
}
