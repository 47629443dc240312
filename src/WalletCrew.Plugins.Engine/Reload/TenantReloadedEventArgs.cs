namespace WalletCrew.Plugins.Engine;

/// <summary>A new generation of a tenant's connectors went live.</summary>
public sealed class TenantReloadedEventArgs : EventArgs
{
    internal TenantReloadedEventArgs(long generation, IReadOnlyList<ConnectorDiagnostic> diagnostics)
    {
        Generation = generation;
        Diagnostics = diagnostics;
    }

    /// <summary>Gets the number of the generation now live.</summary>
    public long Generation { get; }

    /// <summary>Gets its diagnostics, including saves that failed and kept the previous version.</summary>
    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }
}
