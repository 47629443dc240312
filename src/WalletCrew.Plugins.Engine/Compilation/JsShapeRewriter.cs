using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Accepts the JavaScript registration shape <c>new { OnPassInstalled = onPassInstalled }</c>, which plain C# rejects
/// (CS0828: a method group or lambda cannot initialize an anonymous type property), by casting such values to
/// <see cref="Delegate"/>. Only text is inserted, within lines, so a <see cref="SourceMap"/> keeps diagnostics on the user's columns.
/// </summary>
internal static class JsShapeRewriter
{
    private const string CastPrefix = "(global::System.Delegate)(";
    private const string CastSuffix = ")";

    public static (SourceText Text, SourceMap Map) Rewrite(SyntaxTree tree, SourceText original)
    {
        var root = tree.GetRoot();
        var functionNames = root.DescendantNodes()
            .Select(node => node switch
            {
                LocalFunctionStatementSyntax local => local.Identifier.ValueText,
                MethodDeclarationSyntax method => method.Identifier.ValueText,
                _ => null,
            })
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        var changes = new List<TextChange>();
        foreach (var declarator in root.DescendantNodes().OfType<AnonymousObjectMemberDeclaratorSyntax>())
        {
            if (!NeedsCast(declarator.Expression, functionNames))
            {
                continue;
            }

            // A shorthand member (`new { fill }`) keeps its name once cast: `new { fill = (Delegate)(fill) }`.
            var name = declarator.NameEquals is null && declarator.Expression is IdentifierNameSyntax shorthand ? shorthand.Identifier.ValueText + " = " : "";
            var span = declarator.Expression.Span;
            changes.Add(new TextChange(new TextSpan(span.Start, 0), name + CastPrefix));
            changes.Add(new TextChange(new TextSpan(span.End, 0), CastSuffix));
        }

        if (changes.Count == 0)
        {
            return (original, SourceMap.Identity(original.ToString()));
        }

        var rewritten = original.WithChanges(changes);
        var insertions = changes.Select(c => (c.Span.Start, c.NewText!.Length)).OrderBy(i => i.Start).ToList();
        return (rewritten, new SourceMap(original.ToString(), insertions));
    }

    private static bool NeedsCast(ExpressionSyntax expression, HashSet<string> functionNames) => expression switch
    {
        LambdaExpressionSyntax or AnonymousMethodExpressionSyntax => true,
        IdentifierNameSyntax identifier => functionNames.Contains(identifier.Identifier.ValueText),
        _ => false,
    };
}
