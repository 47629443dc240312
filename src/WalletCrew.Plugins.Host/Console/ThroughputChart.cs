using System.Globalization;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Console;

/// <summary>The last hour's delivery attempts per minute as a server-rendered SVG bar chart: completed (delivered or skipped) under failed.</summary>
internal static class ThroughputChart
{
    public const int Minutes = 60;
    private const int Width = 600;
    private const int Height = 160;
    private const int BarWidth = Width / Minutes;

    public static Html Render(IReadOnlyList<ThroughputPoint> points, DateTimeOffset since)
    {
        var done = new long[Minutes];
        var dead = new long[Minutes];
        foreach (var p in points)
        {
            var minute = (int)(p.Minute - since).TotalMinutes;
            if (minute is >= 0 and < Minutes)
            {
                done[minute] += p.Completed;
                dead[minute] += p.Failed;
            }
        }

        var max = Math.Max(1, Enumerable.Range(0, Minutes).Max(i => done[i] + dead[i]));
        var bars = Html.Join(Enumerable.Range(0, Minutes).Where(i => done[i] + dead[i] > 0).Select(i =>
        {
            var okHeight = Scale(done[i], max);
            var deadHeight = Scale(dead[i], max);
            var x = i * BarWidth;
            var at = since.AddMinutes(i).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
            return Html.Of($"""
                <g><title>{at} UTC: {done[i]} completed, {dead[i]} failed</title>
                <rect class="bar-ok" x="{x}" y="{Height - okHeight}" width="{BarWidth - 1}" height="{okHeight}"></rect>
                <rect class="bar-dead" x="{x}" y="{Height - okHeight - deadHeight}" width="{BarWidth - 1}" height="{deadHeight}"></rect></g>
                """);
        }));
        var total = done.Sum();
        var totalDead = dead.Sum();
        return Html.Of($"""
            <figure class="chart">
              <svg viewBox="0 0 {Width} {Height + 20}" role="img" aria-label="Delivery attempts per minute over the last hour: {total} completed, {totalDead} failed">
                <line class="axis" x1="0" y1="{Height}" x2="{Width}" y2="{Height}"></line>
                {bars}
                <text x="0" y="{Height + 15}">−60 min</text>
                <text x="{Width}" y="{Height + 15}" text-anchor="end">now</text>
                <text x="0" y="12">{max}/min</text>
              </svg>
              <figcaption><span class="key key-ok"></span> completed {total} · <span class="key key-dead"></span> failed {totalDead} (attempts, last hour)</figcaption>
            </figure>
            """);
    }

    private static long Scale(long count, long max) => count == 0 ? 0 : Math.Max(2, count * Height / max);
}
