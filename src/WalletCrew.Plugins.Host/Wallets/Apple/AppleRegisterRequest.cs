namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>The register body, <c>{"pushToken":"…"}</c>; other fields are ignored.</summary>
internal sealed class AppleRegisterRequest
{
    public string? PushToken { get; set; }
}
