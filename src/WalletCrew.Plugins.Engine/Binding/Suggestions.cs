namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>Finds the closest known name for a "did you mean" hint.</summary>
internal static class Suggestions
{
    public static string? Closest(string candidate, IEnumerable<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: Distance(candidate.ToLowerInvariant(), name.ToLowerInvariant())))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, best.Name.Length / 3) ? best.Name : null;
    }

    public static string DidYouMean(string candidate, IEnumerable<string> known) =>
        Closest(candidate, known) is { } name ? $" Did you mean '{name}'?" : "";

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
