using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Compilation;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// Finds where in the user's file a registration problem is: the <c>Register</c> call on the stack (from the embedded PDB),
/// then, inside it, the member or the function parameter the problem names.
/// </summary>
internal sealed class RegistrationLocator(CompiledScript script)
{
    private Assembly? _assembly;

    public void Attach(Assembly assembly) => _assembly = assembly;

    /// <summary>Locates the calling <c>Register</c> statement; call it from inside <c>Register</c>.</summary>
    public (int Line, int Column) LocateCaller()
    {
        foreach (var frame in new StackTrace(fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetMethod()?.Module.Assembly == _assembly
                && frame.GetFileLineNumber() > 0
                && string.Equals(frame.GetFileName(), script.Source.DisplayPath, StringComparison.Ordinal))
            {
                return script.Map.ToOriginal(frame.GetFileLineNumber(), frame.GetFileColumnNumber());
            }
        }

        return (0, 0);
    }

    public ConnectorDiagnostic Diagnostic(BindError error, (int Line, int Column) caller)
    {
        var (line, column) = Refine(error, caller) ?? caller;
        return new ConnectorDiagnostic(script.Source.DisplayPath, line, column, ConnectorDiagnosticSeverity.Error, error.Code, error.Message);
    }

    // Parsed again only when a problem needs locating, so a connector loaded from the compile cache never loads the compiler.
    private SyntaxTree Tree => CSharpSyntaxTree.ParseText(script.Source.Text, path: script.Source.DisplayPath);

    private (int Line, int Column)? Refine(BindError error, (int Line, int Column) caller)
    {
        var tree = Tree;
        var root = tree.GetRoot();
        if (error.FunctionName is not null && error.ParameterName is not null)
        {
            var parameter = FunctionDeclarations(root, error.FunctionName)
                .SelectMany(list => list.Parameters)
                .FirstOrDefault(p => p.Identifier.ValueText == error.ParameterName);
            if (parameter is not null)
            {
                return Position(parameter.Identifier);
            }
        }

        if (error.FunctionName is not null && error.ParameterName is null)
        {
            var function = root.DescendantNodes().OfType<LocalFunctionStatementSyntax>().FirstOrDefault(f => f.Identifier.ValueText == error.FunctionName);
            if (function is not null)
            {
                return Position(function.ReturnType.GetFirstToken());
            }
        }

        if (error.MemberName is not null && error.Code is BindingCodes.UnknownMember or BindingCodes.UnsupportedImplementation)
        {
            var call = CallAt(tree, caller);
            var scope = (SyntaxNode?)call ?? root;
            var token = scope.DescendantTokens().FirstOrDefault(t =>
                (t.IsKind(SyntaxKind.IdentifierToken) && t.Parent?.Parent is NameEqualsSyntax && t.ValueText == error.MemberName)
                || (t.IsKind(SyntaxKind.StringLiteralToken) && t.ValueText == error.MemberName));
            if (token != default)
            {
                return Position(token);
            }
        }

        return null;
    }

    private static IEnumerable<ParameterListSyntax> FunctionDeclarations(SyntaxNode root, string name) =>
        root.DescendantNodes().Select(node => node switch
        {
            LocalFunctionStatementSyntax local when local.Identifier.ValueText == name => local.ParameterList,
            MethodDeclarationSyntax method when method.Identifier.ValueText == name => method.ParameterList,
            _ => null,
        }).OfType<ParameterListSyntax>();

    private static InvocationExpressionSyntax? CallAt(SyntaxTree tree, (int Line, int Column) caller)
    {
        if (caller.Line <= 0)
        {
            return null;
        }

        var root = tree.GetRoot();
        var lines = tree.GetText().Lines;
        if (caller.Line > lines.Count)
        {
            return null;
        }

        var position = lines[caller.Line - 1].Start + Math.Max(caller.Column - 1, 0);
        return root.FindToken(position).Parent?.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault()
            ?.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
    }

    private static (int Line, int Column) Position(SyntaxToken token)
    {
        var position = token.GetLocation().GetLineSpan().StartLinePosition;
        return (position.Line + 1, position.Character + 1);
    }
}
