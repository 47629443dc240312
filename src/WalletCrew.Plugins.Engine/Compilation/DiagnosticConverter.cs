using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Turns Roslyn diagnostics of a script into <see cref="ConnectorDiagnostic"/>s on the user's own lines and columns.</summary>
internal sealed class DiagnosticConverter(string displayPath, SyntaxTree userTree, SourceMap map)
{
    public IReadOnlyList<ConnectorDiagnostic> Convert(IEnumerable<Diagnostic> diagnostics) =>
    [
        .. diagnostics
            .Where(d => !d.IsSuppressed && d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Location.SourceTree == userTree)
            .Select(Convert)
            .Distinct()
            .OrderBy(d => d.Line)
            .ThenBy(d => d.Column),
    ];

    public ConnectorDiagnostic Convert(Diagnostic diagnostic)
    {
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? ConnectorDiagnosticSeverity.Error : ConnectorDiagnosticSeverity.Warning;
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (diagnostic.Location.SourceTree == userTree)
        {
            var (line, column) = map.ToOriginalStart(diagnostic.Location.SourceSpan.Start);
            return new ConnectorDiagnostic(displayPath, line, column, severity, diagnostic.Id, message);
        }

        // A clash with the generated globals (e.g. a user type named like one) still belongs to this script.
        return new ConnectorDiagnostic(displayPath, 0, 0, severity, diagnostic.Id, message);
    }
}
