namespace WalletCrew.Plugins.Testing;

/// <summary>A request a connector sent to a partner, as it left the engine.</summary>
/// <param name="Method">The HTTP method, such as <c>POST</c>.</param>
/// <param name="Url">The absolute URL.</param>
/// <param name="Headers">The request and content headers (names case-insensitive; several values joined with <c>", "</c>).</param>
/// <param name="Body">The body as text; empty when there was none.</param>
public sealed record SentRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body);
