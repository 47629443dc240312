namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>One request the partner stub received.</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body);
