using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>The outcome of a change: the version stored (or current), every diagnostic of the check, and a detail for failures.</summary>
internal sealed record TenantChangeResult(TenantChangeStatus Status, TenantVersion? Version, long? NextVersion, IReadOnlyList<ConnectorDiagnostic> Diagnostics, string? Detail = null);
