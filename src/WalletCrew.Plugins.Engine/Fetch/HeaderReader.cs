namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Reads the <c>Headers</c> option: a dictionary, any sequence of string pairs, or an object whose properties are headers.</summary>
internal static class HeaderReader
{
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
        if (HeaderRules.NameProblem(name) is { } problem)
        {
            return problem;
        }

        if (value is null)
        {
            return null;
        }

        // Judge the text that would be written, whatever type carried it (a Uri keeps a raw line break, a char can be one).
        return ScalarText.TryFormat(value, out var text) ? HeaderRules.ValueProblem(text) : $"must be text, not a {value.GetType().Name}";
    }
}
