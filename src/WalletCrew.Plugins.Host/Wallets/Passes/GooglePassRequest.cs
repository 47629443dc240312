namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>The pass's Google Wallet class and object ids (<c>issuerId.suffix</c>).</summary>
internal sealed class GooglePassRequest
{
    public string? ClassId { get; set; }

    public string? ObjectId { get; set; }
}
