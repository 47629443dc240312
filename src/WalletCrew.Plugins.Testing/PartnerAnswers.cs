using System.Collections.Concurrent;

namespace WalletCrew.Plugins.Testing;

/// <summary>The canned partner answers of one test host, by method and absolute URL; a later answer for a route replaces the earlier one.</summary>
internal sealed class PartnerAnswers
{
    private readonly ConcurrentDictionary<(string Method, string Url), CannedAnswer> _answers = new();

    public void Set(string method, string url, CannedAnswer answer)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL.", nameof(url));
        }

        _answers[Key(method, uri)] = answer;
    }

    public CannedAnswer? Find(string method, Uri url) => _answers.TryGetValue(Key(method, url), out var answer) ? answer : null;

    private static (string, string) Key(string method, Uri url) => (method.ToUpperInvariant(), url.AbsoluteUri);
}

/// <summary>One canned answer.</summary>
internal sealed record CannedAnswer(int Status, string Body, IReadOnlyDictionary<string, string> Headers);
