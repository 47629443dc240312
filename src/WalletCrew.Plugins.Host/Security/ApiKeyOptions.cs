namespace WalletCrew.Plugins.Host.Security;

/// <summary>The accepted API keys: configuration <c>WalletCrew:ApiKeys</c> (an array; env <c>WalletCrew__ApiKeys__0</c>).</summary>
internal sealed class ApiKeyOptions
{
    public const string Section = "WalletCrew:ApiKeys";

    /// <summary>The shortest key accepted, so a guessable key never reaches production.</summary>
    public const int MinimumLength = 16;

    /// <summary>Gets or sets the keys; several allow rotation without downtime.</summary>
    public List<string> Keys { get; set; } = [];
}
