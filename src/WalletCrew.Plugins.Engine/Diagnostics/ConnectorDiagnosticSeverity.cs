namespace WalletCrew.Plugins.Engine;

/// <summary>How serious a <see cref="ConnectorDiagnostic"/> is.</summary>
public enum ConnectorDiagnosticSeverity
{
    /// <summary>The connector still loads.</summary>
    Warning,

    /// <summary>The connector does not load.</summary>
    Error,
}
