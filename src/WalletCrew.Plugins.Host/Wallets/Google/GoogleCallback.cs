namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>A verified Google Wallet callback: which object of which class was saved (<c>save</c>) or deleted (<c>del</c>).</summary>
internal sealed record GoogleCallback(string ClassId, string ObjectId, string EventType, string Nonce, DateTimeOffset ExpiresAt);
