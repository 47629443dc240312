namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Reads the <c>Headers</c> option: a dictionary, any sequence of string pairs, or an object whose properties are headers.</summary>
internal static class HeaderReader
{
    // Set by the HTTP stack from the request itself; a connector setting them could desynchronise the framing.
    private static readonly string[] Reserved = ["Host", "Content-Length", "Transfer-Encoding", "Connection"];

    /// <summary>Returns the headers in the order given, names as written; problems are added to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(object? headers, List<string> problems)
    {
        if (headers is null)
        {
            return [];
        }

        if (ScalarText.TryFormat(headers, out _))
        {
            problems.Add(FetchErrors.WrongType("Headers", "a dictionary or an object whose properties are headers", headers));
            return [];
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in ObjectMembers.Enumerate(headers))
        {
            if (Problem(name, value) is { } problem)
            {
                problems.Add(FetchErrors.BadHeader(name, problem));
            }
            else if (value is not null)
            {
                ScalarText.TryFormat(value, out var text);
                result.Add(new(name, text));
            }
        }

        return result;
    }

    private static string? Problem(string name, object? value)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            return "is not a valid header name";
        }

        if (Reserved.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return "is set by the platform and cannot be given";
        }

        if (value is not null && !ScalarText.TryFormat(value, out _))
        {
            return $"must be text, not a {value.GetType().Name}";
        }

        return value is string s && s.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 ? "must not contain line breaks" : null;
    }
}
