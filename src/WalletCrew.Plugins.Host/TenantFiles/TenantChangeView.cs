using WalletCrew.Plugins.Host.Admin;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// The answer to an accepted change: <c>stored</c> (the new version, live), <c>unchanged</c> (the files were already so),
/// or <c>checked</c> (a dry run: <c>version</c> is the number it would get); with the check's warnings.
/// </summary>
internal sealed record TenantChangeView(string TenantId, string Status, long Version, TenantVersionView? Stored, IReadOnlyList<DiagnosticView> Diagnostics);
