namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>How Google Wallet save/delete callbacks are verified: section <c>WalletCrew:Wallets:Google</c>.</summary>
internal sealed class GoogleWalletOptions
{
    /// <summary>Gets or sets the path of Google's root key document (<c>{"keys":[{"keyValue","protocolVersion","keyExpiration"}]}</c>).</summary>
    /// <value>None by default; set this or <see cref="RootKeys"/>, not both. Without either every callback is refused.</value>
    public string? RootKeysFile { get; set; }

    /// <summary>Gets or sets Google's root key document inline, as JSON.</summary>
    /// <value>None by default.</value>
    public string? RootKeys { get; set; }

    /// <summary>Gets or sets the sender id the signatures are made for.</summary>
    /// <value>The default is <c>GooglePayPasses</c>.</value>
    public string SenderId { get; set; } = GoogleWalletDefaults.SenderId;

    /// <summary>Gets or sets the sender id tried once when <see cref="SenderId"/> does not verify; empty turns the second try off.</summary>
    /// <value>The default is <c>GoogleWalletPasses</c>.</value>
    public string? AlternativeSenderId { get; set; } = GoogleWalletDefaults.AlternativeSenderId;

    /// <summary>Gets or sets where the root keys are published; documentation only, the host never fetches it.</summary>
    /// <value>The default is <c>https://pay.google.com/gp/m/issuer/keys</c>.</value>
    public string KeyUrl { get; set; } = GoogleWalletDefaults.KeyUrl;

    /// <summary>Gets the Google Wallet issuer id of each tenant (tenant id → issuer id); a callback's class and object must belong to it.</summary>
    public Dictionary<string, string> Issuers { get; } = new(StringComparer.Ordinal);
}
