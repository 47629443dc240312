namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>The pass's Apple side: what pass.json says, and optionally the latest signed <c>.pkpass</c> (base64) and its time.</summary>
internal sealed class ApplePassRequest
{
    public string? SerialNumber { get; set; }

    public string? PassTypeIdentifier { get; set; }

    public string? AuthenticationToken { get; set; }

    public byte[]? Pkpass { get; set; }

    public DateTimeOffset? PkpassModifiedAt { get; set; }
}
