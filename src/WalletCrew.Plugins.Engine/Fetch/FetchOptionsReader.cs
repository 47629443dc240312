namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Reads a connector's fetch options (null, <see cref="FetchOptions"/>, an anonymous object or a map) and reports every mistake at once.</summary>
internal static class FetchOptionsReader
{
    private static readonly string[] StandardMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

    /// <exception cref="ArgumentException">An option is unknown or has the wrong type; the message lists them all.</exception>
    public static FetchCallOptions Read(object? options)
    {
        var problems = new List<string>();
        var result = options switch
        {
            null => FetchCallOptions.Get,
            FetchOptions typed => new FetchCallOptions(
                Method(typed.Method, problems), HeaderReader.Read(typed.Headers, problems), typed.Body, typed.ThrowOnError, Timeout(typed.Timeout, problems)),
            _ => ReadObject(options, problems),
        };
        return problems.Count == 0 ? result : throw FetchErrors.InvalidOptions(problems);
    }

    private static FetchCallOptions ReadObject(object options, List<string> problems)
    {
        if (ScalarText.TryFormat(options, out _) || (options is System.Collections.IEnumerable && !ObjectMembers.IsMap(options)))
        {
            problems.Add(FetchErrors.NotAnObject(options));
            return FetchCallOptions.Get;
        }

        var result = FetchCallOptions.Get;
        foreach (var (name, value) in ObjectMembers.Enumerate(options))
        {
            result = name switch
            {
                "Method" when value is string or null => result with { Method = Method(value as string, problems) },
                "Method" => Wrong(result, problems, name, "a string", value),
                "Headers" => result with { Headers = HeaderReader.Read(value, problems) },
                "Body" => result with { Body = value },
                "ThrowOnError" when value is bool b => result with { ThrowOnError = b },
                "ThrowOnError" => Wrong(result, problems, name, "a bool", value),
                "Timeout" => result with { Timeout = Timeout(value, problems) },
                _ => Unknown(result, problems, name),
            };
        }

        return result;
    }

    private static string Method(string? method, List<string> problems)
    {
        var trimmed = (method ?? "GET").Trim();
        var standard = StandardMethods.FirstOrDefault(m => string.Equals(m, trimmed, StringComparison.OrdinalIgnoreCase));
        if (standard is not null)
        {
            return standard;
        }

        if (trimmed.Length == 0 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            problems.Add(FetchErrors.WrongType("Method", "an HTTP method such as \"POST\"", method));
        }

        return trimmed;
    }

    private static TimeSpan? Timeout(object? value, List<string> problems)
    {
        TimeSpan? timeout = value switch
        {
            null => null,
            TimeSpan t => t,
            _ when ScalarText.IsNumber(value) => TimeSpan.FromMilliseconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Wrong<TimeSpan?>(null, problems, "Timeout", "a TimeSpan or a number of milliseconds", value),
        };
        if (timeout is { } t2 && t2 <= TimeSpan.Zero && t2 != System.Threading.Timeout.InfiniteTimeSpan)
        {
            problems.Add(FetchErrors.TimeoutNotPositive(t2));
            return null;
        }

        return timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : timeout;
    }

    private static T Wrong<T>(T current, List<string> problems, string option, string expected, object? actual)
    {
        problems.Add(FetchErrors.WrongType(option, expected, actual));
        return current;
    }

    private static FetchCallOptions Unknown(FetchCallOptions current, List<string> problems, string name)
    {
        problems.Add(FetchErrors.UnknownOption(name, Suggest(name)));
        return current;
    }

    private static string? Suggest(string name) => FetchErrors.OptionNames
        .Select(o => (Option: o, Distance: Distance(name.ToUpperInvariant(), o.ToUpperInvariant())))
        .Where(c => c.Distance <= Math.Max(2, name.Length / 3))
        .OrderBy(c => c.Distance)
        .Select(c => c.Option)
        .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
