namespace WalletCrew.Plugins.Host.Security;

/// <summary>The accepted API keys and their scopes: configuration <c>WalletCrew:ApiKeys</c> (see <see cref="ApiKeyEntry"/> for the shapes).</summary>
internal sealed class ApiKeyOptions
{
    public const string Section = "WalletCrew:ApiKeys";

    /// <summary>The shortest key accepted, so a guessable key never reaches production.</summary>
    public const int MinimumLength = 16;

    /// <summary>Gets or sets the keys; several allow rotation without downtime and a key per caller.</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];
}
