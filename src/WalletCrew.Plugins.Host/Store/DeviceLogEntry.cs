namespace WalletCrew.Plugins.Host.Store;

/// <summary>One message an Apple device posted to the tenant's <c>/v1/log</c>.</summary>
internal sealed record DeviceLogEntry(string TenantId, DateTimeOffset At, string Message);
