namespace WalletCrew.Plugins.Host.Store;

/// <summary>One line a connector wrote during an invocation.</summary>
internal sealed record TenantLogLine(string Level, string Message);
