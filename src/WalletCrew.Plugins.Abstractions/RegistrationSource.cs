namespace WalletCrew.Plugins;

/// <summary>Where an installation came from, when the platform knows it.</summary>
public sealed class RegistrationSource
{
    internal RegistrationSource(IReadOnlyList<string> tags, string? medium, string? origin, string? userAgent)
    {
        Tags = ReadOnlyCopies.Of(tags);
        Medium = medium;
        Origin = origin;
        UserAgent = userAgent;
    }

    /// <summary>Gets the tags given by the SDK integration.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Gets the medium given by the SDK integration or <c>utm_medium</c>.</summary>
    public string? Medium { get; }

    /// <summary>Gets the URL the pass was installed from.</summary>
    public string? Origin { get; }

    /// <summary>Gets the user agent that installed the pass, when known.</summary>
    public string? UserAgent { get; }
}
