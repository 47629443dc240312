namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>The log body, <c>{"logs":["…",…]}</c>; other fields are ignored.</summary>
internal sealed class AppleLogRequest
{
    public List<string?>? Logs { get; set; }
}
