namespace WalletCrew.Plugins.Host.Security;

/// <summary>Who a matched key is: its configuration path (safe to log, unlike the key) and its scopes.</summary>
internal sealed record ApiKeyIdentity(string Name, IReadOnlyList<ApiScope> Scopes);
