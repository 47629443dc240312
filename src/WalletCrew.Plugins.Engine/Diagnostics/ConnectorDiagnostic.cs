namespace WalletCrew.Plugins.Engine;

/// <summary>A problem found in a connector, located in the tenant's file.</summary>
/// <param name="Path">The file, relative to the tenant folder when it lies inside it.</param>
/// <param name="Line">The 1-based line, or 0 when the problem has no position.</param>
/// <param name="Column">The 1-based column, or 0 when the problem has no position.</param>
/// <param name="Severity">Whether the problem stops the connector from loading.</param>
/// <param name="Code">A stable code, such as <c>CS1002</c> or <c>WCP0102</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ConnectorDiagnostic(string Path, int Line, int Column, ConnectorDiagnosticSeverity Severity, string Code, string Message)
{
    /// <summary>Gets a value indicating whether this diagnostic is an error.</summary>
    public bool IsError => Severity == ConnectorDiagnosticSeverity.Error;

    /// <summary>Formats the diagnostic the way MSBuild does: <c>path(line,col): error CODE: message</c>.</summary>
    /// <returns>The formatted diagnostic.</returns>
    public override string ToString()
    {
        var severity = Severity == ConnectorDiagnosticSeverity.Error ? "error" : "warning";
        return Line > 0
            ? $"{Path}({Line},{Column}): {severity} {Code}: {Message}"
            : $"{Path}: {severity} {Code}: {Message}";
    }
}
