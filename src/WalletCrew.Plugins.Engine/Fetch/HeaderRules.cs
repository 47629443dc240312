namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>What a header tenant code gives may be, for <c>fetch</c> and typed clients alike: a token name, not one the
/// platform sets, and a value without line breaks.</summary>
internal static class HeaderRules
{
    // Set by the HTTP stack from the request itself (the target, the framing, and the connection's hop-by-hop headers of
    // RFC 9110 7.6.1); a connector setting them could desynchronise the framing or the target.
    private static readonly string[] Reserved = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Keep-Alive", "Proxy-Connection"];

    /// <summary>Returns why the header name cannot be given, or <see langword="null"/>.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            return "is not a valid header name";
        }

        return Reserved.Contains(name, StringComparer.OrdinalIgnoreCase) ? "is set by the platform and cannot be given" : null;
    }

    /// <summary>Returns why the header value, as it would be written, cannot be sent, or <see langword="null"/>.</summary>
    public static string? ValueProblem(string text) =>
        text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 ? "must not contain line breaks" : null;

    /// <summary>Returns every header of a typed client's request that breaks the rules, as <c>Header `X` …</c> sentences.</summary>
    /// <remarks>Reads the raw values (Refit adds headers without validation), before anything computes <c>Content-Length</c>,
    /// so a value that would reach the wire as written is judged as written.</remarks>
    public static List<string> Problems(HttpRequestMessage request)
    {
        var problems = new List<string>();
        Judge(request.Headers.NonValidated, problems);
        if (request.Content is { } content)
        {
            Judge(content.Headers.NonValidated, problems);
        }

        return problems;
    }

    private static void Judge(System.Net.Http.Headers.HttpHeadersNonValidated headers, List<string> problems)
    {
        foreach (var (name, values) in headers)
        {
            var problem = NameProblem(name);
            foreach (var value in values)
            {
                problem ??= ValueProblem(value);
            }

            if (problem is not null)
            {
                problems.Add(FetchErrors.BadHeader(name, problem));
            }
        }
    }
}
