using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using WalletCrew.Plugins.Engine.Compilation;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Turns a script's tree that compiled clean and passed the policy into the tree that is emitted: the same code with
/// <see cref="ConnectorCheckpoint"/> calls, on the same lines, and the map from its columns back to the user's.
/// </summary>
internal static class CheckpointInstrumenter
{
    /// <summary>Instruments <paramref name="tree"/>; returns <see langword="null"/> with the reason when the result would not be the same program on the same lines.</summary>
    public static (SyntaxTree? Tree, SourceMap? Map, string? Problem) Instrument(CSharpCompilation compilation, SyntaxTree tree, SourceMap map, CancellationToken cancellationToken)
    {
        var model = compilation.GetSemanticModel(tree);
        var root = new CheckpointRewriter(model).Visit(tree.GetRoot(cancellationToken));
        var before = tree.GetText(cancellationToken);
        var text = SourceText.From(root.ToFullString(), Encoding.UTF8);
        if (text.Lines.Count != before.Lines.Count)
        {
            return (null, null, LimitMessages.InstrumentationMovedLines(before.Lines.Count, text.Lines.Count));
        }

        // Parse the text again: the emitted tree is exactly what the text says, and a slip shows up here, not at run time.
        var instrumented = CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)tree.Options, tree.FilePath, cancellationToken);
        var error = instrumented.GetDiagnostics(cancellationToken).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        if (error is not null)
        {
            return (null, null, LimitMessages.InstrumentationFailed(error.ToString()));
        }

        var insertions = instrumented.GetChanges(tree)
            .Where(change => change.NewText!.Length > change.Span.Length)
            .Select(change => (change.Span.End, change.NewText!.Length - change.Span.Length));
        return (instrumented, map.Then(insertions), null);
    }
}
