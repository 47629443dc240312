namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>One of Google's <c>ECv2SigningOnly</c> root keys: a P-256 SubjectPublicKeyInfo and the time it stops being trusted.</summary>
internal sealed record GoogleRootKey(byte[] SubjectPublicKeyInfo, DateTimeOffset Expiration);
