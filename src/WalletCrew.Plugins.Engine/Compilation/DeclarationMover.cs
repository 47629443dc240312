using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Accepts what C# script accepts and a program with top-level statements does not: type declarations before or between
/// the statements (CS8803, "Top-level statements must precede namespace and type declarations"). Each type declaration
/// that comes before the last top-level statement is blanked where it stands (spaces; its line breaks kept) and copied
/// after the code, behind a <c>#line</c> directive naming its own line and indented to its own column, and under the
/// <c>#nullable</c> and <c>#pragma warning</c> state of its place.
/// </summary>
/// <remarks>
/// Why <c>#line</c> rather than a <see cref="SourceMap"/> that records moved spans: the user's positions come back by two
/// routes, syntax positions (compile errors, policy violations) and the embedded PDB (stack traces, the registration
/// locator, a refused stack frame). The PDB's sequence points honour the directive, so stack traces name the user's line
/// with no help; the padding keeps the column, the blanking keeps every other position where it was. The map's contract
/// (lines never change, only insertions shift columns) stays true, and what the compile cache and the compiler process
/// persist of it stays as it is; only syntax positions in the copies need the directive applied
/// (<see cref="DiagnosticConverter"/>, from the returned <c>MovedStart</c> on).
/// </remarks>
internal static class DeclarationMover
{
    /// <summary>
    /// Returns the text with the type declarations that precede a statement moved after the last one, and where the copies
    /// start (the input's length: before it, every position is the user's own).
    /// </summary>
    public static (SourceText Text, int MovedStart) Move(SyntaxTree tree, SourceText text, CancellationToken cancellationToken = default)
    {
        var root = tree.GetCompilationUnitRoot(cancellationToken);
        var members = root.Members;
        var last = members.LastIndexOf(m => m is GlobalStatementSyntax);
        var moved = members.Take(Math.Max(last, 0)).Where(m => m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax).ToList();
        if (moved.Count == 0)
        {
            return (text, text.Length);
        }

        var contextDirectives = root.DescendantTrivia(descendIntoTrivia: true)
            .Select(trivia => trivia.GetStructure())
            .OfType<DirectiveTriviaSyntax>()
            .Where(d => d.IsActive && (d is NullableDirectiveTriviaSyntax or PragmaWarningDirectiveTriviaSyntax))
            .ToList();
        var changes = new List<TextChange>();
        var copies = new StringBuilder();
        foreach (var declaration in moved)
        {
            var span = declaration.Span;
            var declared = text.ToString(span);
            var start = text.Lines.GetLinePosition(span.Start);
            changes.Add(new TextChange(span, Blank(declared)));

            // The copy gets the nullable context and warning state of its place: reset, then the directives before it again.
            copies.Append("\n#nullable restore\n#pragma warning restore");
            foreach (var directive in contextDirectives.TakeWhile(d => d.SpanStart < span.Start))
            {
                copies.Append('\n').Append(text.ToString(directive.Span).TrimEnd());
            }

            // A directive starts a line of its own; the line after this one is the declaration's own line.
            copies.Append("\n#line ").Append(start.Line + 1).Append('\n').Append(' ', start.Character).Append(declared);
        }

        // A last line comment, or a file without a final line break, must not swallow the first directive.
        changes.Add(new TextChange(new TextSpan(text.Length, 0), copies.Append('\n').ToString()));
        return (text.WithChanges(changes), text.Length);
    }

    private static string Blank(string declared) =>
        string.Create(declared.Length, declared, static (blank, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                blank[i] = source[i] is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029' ? source[i] : ' ';
            }
        });
}
