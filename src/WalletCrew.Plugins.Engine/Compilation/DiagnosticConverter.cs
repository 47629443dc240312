using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Turns Roslyn diagnostics of a script into <see cref="ConnectorDiagnostic"/>s on the user's own lines and columns.</summary>
/// <param name="displayPath">The script's path, as diagnostics show it.</param>
/// <param name="userTree">The tree compiled for the user's script.</param>
/// <param name="map">The map from the tree's columns back to the user's.</param>
/// <param name="movedStart">Where the declarations <see cref="DeclarationMover"/> copied after the code start; from there on,
/// the copies' <c>#line</c> directives give the user's line, and their padding the column.</param>
internal sealed class DiagnosticConverter(string displayPath, SyntaxTree userTree, SourceMap map, int movedStart)
{
    public IReadOnlyList<ConnectorDiagnostic> Convert(IEnumerable<Diagnostic> diagnostics) =>
    [
        .. diagnostics
            .Where(d => !d.IsSuppressed && d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .Where(d => d.Severity == DiagnosticSeverity.Error || UserPosition(d.Location) is not null)
            .Select(Convert)
            .Distinct()
            .OrderBy(d => d.Line)
            .ThenBy(d => d.Column),
    ];

    public ConnectorDiagnostic Convert(Diagnostic diagnostic)
    {
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? ConnectorDiagnosticSeverity.Error : ConnectorDiagnosticSeverity.Warning;
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (UserPosition(diagnostic.Location) is { } position)
        {
            var (line, column) = position < movedStart ? map.ToOriginalStart(position) : Moved(position);
            return new ConnectorDiagnostic(displayPath, line, column, severity, diagnostic.Id, message);
        }

        // A clash with the generated globals (e.g. a user type named like one) still belongs to this script.
        return new ConnectorDiagnostic(displayPath, 0, 0, severity, diagnostic.Id, message);
    }

    private (int Line, int Column) Moved(int position)
    {
        var start = userTree.GetMappedLineSpan(new Microsoft.CodeAnalysis.Text.TextSpan(position, 0)).StartLinePosition;
        return map.ToOriginal(start.Line + 1, start.Character + 1);
    }

    // A source generator reports on the user's file by path (an external location), the compiler by tree.
    private int? UserPosition(Location location)
    {
        if (location.SourceTree == userTree)
        {
            return location.SourceSpan.Start;
        }

        var span = location.GetLineSpan();
        if (location.Kind != LocationKind.ExternalFile || !span.IsValid || span.Path != userTree.FilePath)
        {
            return null;
        }

        var lines = userTree.GetText().Lines;
        var line = span.StartLinePosition.Line;
        return line < lines.Count ? Math.Min(lines[line].Start + span.StartLinePosition.Character, lines[line].End) : null;
    }
}
