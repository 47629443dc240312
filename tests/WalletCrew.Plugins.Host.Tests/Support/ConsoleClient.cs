using System.Net;
using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// A browser-like client of the operator console: keeps cookies, does not follow redirects, and posts forms with the
/// antiforgery token of the page they came from, as the console's own forms do.
/// </summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _client;

    public ConsoleClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    /// <summary>Signs in with <paramref name="key"/> through the sign-in form and returns the answer to the form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var (_, page) = await GetAsync("console/sign-in");
        return await PostAsync("console/sign-in", new() { ["key"] = key, [TokenField] = TokenOf(page) });
    }

    public async Task<(HttpResponseMessage Response, string Html)> GetAsync(string path)
    {
        var response = await _client.GetAsync(path);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> fields, string? origin = null) =>
        PostAsync(path, (IEnumerable<KeyValuePair<string, string>>)fields, origin);

    /// <summary>Posts form fields as given; a name may repeat (as the status filter does).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return _client.SendAsync(request);
    }

    /// <summary>Posts a form with the antiforgery token of a freshly loaded <paramref name="pagePath"/>.</summary>
    public async Task<HttpResponseMessage> PostFromAsync(string pagePath, string action, Dictionary<string, string>? fields = null, string? origin = null)
    {
        var (_, page) = await GetAsync(pagePath);
        var all = new Dictionary<string, string>(fields ?? []) { [TokenField] = TokenOf(page) };
        return await PostAsync(action, all, origin);
    }

    public const string TokenField = "__console";

    public static string TokenOf(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("The page has no antiforgery field: " + html[..Math.Min(html.Length, 2000)]);

    /// <summary>The path and query a redirect points to, whether the host wrote it absolute or relative.</summary>
    public static string RedirectOf(HttpResponseMessage response) =>
        response.Headers.Location is { IsAbsoluteUri: true } absolute ? absolute.PathAndQuery : response.Headers.Location?.OriginalString ?? "";

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__console\" value=\"([^\"]+)\"", RegexOptions.None)]
    private static partial Regex TokenPattern();
}
