namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>The serials route's 200 body: <c>{"serialNumbers":[…],"lastUpdated":"…"}</c>.</summary>
internal sealed record SerialNumbersResponse(IReadOnlyList<string> SerialNumbers, string LastUpdated);
