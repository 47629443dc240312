namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>One mapped route: method, pattern (<c>/api/admin/deliveries/{eventId}</c>) and whether it takes no key at all.</summary>
internal sealed record AppRoute(string Method, string Pattern, bool Anonymous)
{
    /// <summary>Fills the pattern's parameters from <paramref name="values"/>; an unknown parameter gets a plain id.</summary>
    public string Path(IReadOnlyDictionary<string, string> values) =>
        string.Join('/', Pattern.TrimStart('/').Split('/').Select(segment =>
            segment.StartsWith('{') ? values.GetValueOrDefault(segment.Trim('{', '}').Split(':')[0], "x1") : segment));

    public override string ToString() => $"{Method} {Pattern}";
}
