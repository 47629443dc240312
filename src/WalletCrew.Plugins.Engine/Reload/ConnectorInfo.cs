using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Engine;

/// <summary>A live connector, as operators see it.</summary>
/// <param name="Path">Its file, relative to the tenant folder.</param>
/// <param name="Version">The first 12 hex digits of its content hash.</param>
/// <param name="LoadedAt">When this version went live.</param>
/// <param name="PassUpdaters">How many pass updaters it registered.</param>
/// <param name="CustomerProviders">The customer providers it registered.</param>
/// <param name="Diagnostics">Its diagnostics.</param>
/// <param name="EmailSender">Whether it registered the tenant's email sender.</param>
public sealed record ConnectorInfo(
    string Path,
    string Version,
    DateTimeOffset LoadedAt,
    int PassUpdaters,
    IReadOnlyList<string> CustomerProviders,
    IReadOnlyList<ConnectorDiagnostic> Diagnostics,
    bool EmailSender = false)
{
    internal static ConnectorInfo From(string path, ConnectorSlot slot) => new(
        path,
        slot.ContentHash[..12],
        slot.LoadedAt,
        slot.Version.Value.PassUpdaters.Count,
        [.. slot.Version.Value.CustomerProviders.Select(p => p.Name)],
        slot.Version.Value.Diagnostics,
        slot.Version.Value.EmailSenders.Count > 0);
}
