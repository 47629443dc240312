namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>Where the platform distributed the pass; the device's <c>User-Agent</c> is added at registration.</summary>
internal sealed class PassSourceRequest
{
    public List<string>? Tags { get; set; }

    public string? Medium { get; set; }

    public string? Origin { get; set; }
}
