namespace WalletCrew.Plugins.Host.Admin;

/// <summary>The range replay answer: how many events are pending again.</summary>
internal sealed record ReplayCount(int Replayed);
