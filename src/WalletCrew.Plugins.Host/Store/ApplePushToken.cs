namespace WalletCrew.Plugins.Host.Store;

/// <summary>An Apple device's push token for the passes of one pass type identifier, saved with each registration.</summary>
internal sealed record ApplePushToken(string PassTypeIdentifier, string Token);
