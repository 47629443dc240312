using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The syntax and declaration checks: bans that hold even for code the author wrote, and every type written in the script.</summary>
internal sealed class DeclarationChecker
{
    private const int ExplicitLayout = 2; // LayoutKind.Explicit

    private static readonly string[] NativeAttributes =
        ["System.Runtime.InteropServices.DllImportAttribute", "System.Runtime.InteropServices.LibraryImportAttribute"];

    private const string ModuleInitializerAttribute = "System.Runtime.CompilerServices.ModuleInitializerAttribute";
    private const string StructLayoutAttribute = "System.Runtime.InteropServices.StructLayoutAttribute";

    private readonly SemanticModel _model;
    private readonly SymbolJudge _judge;
    private readonly ViolationCollector _violations;

    public DeclarationChecker(SemanticModel model, SymbolJudge judge, ViolationCollector violations)
    {
        _model = model;
        _judge = judge;
        _violations = violations;
    }

    /// <summary>Tells whether an attribute type is reported by this checker (WCP1003, WCP1004) rather than as a forbidden API.</summary>
    public static bool IsDeclarationBannedAttribute(ITypeSymbol? type)
    {
        var name = type?.ToDisplayString();
        return name == ModuleInitializerAttribute || NativeAttributes.Contains(name);
    }

    /// <summary>Checks one node of the user's tree (not its descendants).</summary>
    public void Check(SyntaxNode node, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case PointerTypeSyntax or FunctionPointerTypeSyntax or StackAllocArrayCreationExpressionSyntax
                or ImplicitStackAllocArrayCreationExpressionSyntax or FixedStatementSyntax:
                _violations.Add(PolicyMessages.UnsafeCode(Describe(node), node.GetLocation()));
                return;
            case MakeRefExpressionSyntax or RefValueExpressionSyntax or RefTypeExpressionSyntax:
                _violations.Add(PolicyMessages.UnsafeCode(node.GetFirstToken().Text, node.GetLocation()));
                return;
            case ExpressionSyntax when node.IsKind(SyntaxKind.ArgListExpression):
                _violations.Add(PolicyMessages.UnsafeCode("__arglist", node.GetLocation()));
                return;
            case ExternAliasDirectiveSyntax alias:
                _violations.Add(PolicyMessages.NativeCode("extern alias " + alias.Identifier.Text, node.GetLocation()));
                return;
            case AttributeSyntax attribute:
                Attribute(attribute, cancellationToken);
                return;
            case BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax:
                Method(node, cancellationToken);
                break;
            case TypeDeclarationSyntax declaration when _model.GetDeclaredSymbol(declaration, cancellationToken) is INamedTypeSymbol declared
                && _judge.Construction.BaseClass(declared.BaseType) is { } baseDenial:
                // Deriving runs the base class's constructor for every instance (and reaches its protected members).
                _violations.Add(baseDenial, declaration.BaseList ?? (SyntaxNode)declaration);
                break;
        }

        if (node is TypeSyntax type && IsOutermostWrittenType(type))
        {
            var symbol = _model.GetSymbolInfo(type, cancellationToken).Symbol;
            if (symbol is ITypeSymbol typeSymbol && _judge.Type(typeSymbol) is { } denial)
            {
                _violations.Add(denial, type);
            }
        }
    }

    /// <summary>Checks the tree's tokens and directives: <c>unsafe</c>, <c>#r</c> and <c>#load</c>.</summary>
    public void CheckTokensAndDirectives(SyntaxNode root)
    {
        foreach (var token in root.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.UnsafeKeyword))
            {
                _violations.Add(PolicyMessages.UnsafeCode("unsafe", token.GetLocation()));
            }
        }

        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.ReferenceDirectiveTrivia) || trivia.IsKind(SyntaxKind.LoadDirectiveTrivia))
            {
                _violations.Add(PolicyMessages.NativeCode(trivia.ToString().Trim(), trivia.GetLocation()));
            }
        }
    }

    private void Method(SyntaxNode node, CancellationToken cancellationToken)
    {
        if (_model.GetDeclaredSymbol(node, cancellationToken) is not IMethodSymbol method)
        {
            return;
        }

        var location = method.Locations.FirstOrDefault(l => l.SourceTree == node.SyntaxTree) ?? node.GetLocation();
        var name = SymbolNames.Display(method);
        if (method.MethodKind == MethodKind.Destructor)
        {
            _violations.Add(PolicyMessages.Finalizer(name, location));
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            _violations.Add(PolicyMessages.AsyncVoid(name, location));
        }

        var hasNativeAttribute = method.GetAttributes().Any(a => NativeAttributes.Contains(a.AttributeClass?.ToDisplayString()));
        if ((method.IsExtern || method.GetDllImportData() is not null) && !hasNativeAttribute)
        {
            _violations.Add(PolicyMessages.NativeCode(name, location));
        }
    }

    private void Attribute(AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var type = _model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType;
        var name = type?.ToDisplayString();
        var target = attribute.Parent?.Parent is { } declaration ? _model.GetDeclaredSymbol(declaration, cancellationToken) : null;
        var display = target is null ? attribute.ToString() : SymbolNames.Display(target);
        if (name == ModuleInitializerAttribute)
        {
            _violations.Add(PolicyMessages.ModuleInitializer(display, attribute.GetLocation()));
        }
        else if (NativeAttributes.Contains(name))
        {
            _violations.Add(PolicyMessages.NativeCode(display, attribute.GetLocation()));
        }
        else if (name == StructLayoutAttribute && attribute.ArgumentList?.Arguments.FirstOrDefault() is { } kind
            && _model.GetConstantValue(kind.Expression, cancellationToken) is { HasValue: true, Value: int value }
            && value == ExplicitLayout)
        {
            _violations.Add(PolicyMessages.UnsafeCode("[StructLayout(LayoutKind.Explicit)]", attribute.GetLocation()));
        }
    }

    // Judges a written type once, at its outermost syntax: List<FileInfo> is reported once, and `var` reports what it stands for.
    private static bool IsOutermostWrittenType(TypeSyntax type) =>
        type.Parent is not (TypeSyntax or TypeArgumentListSyntax or TupleElementSyntax or AttributeSyntax
            or UsingDirectiveSyntax or NameColonSyntax or ArrayRankSpecifierSyntax)
        && !(type.Parent is MemberAccessExpressionSyntax access && access.Name == type)
        && SyntaxFacts.IsInTypeOnlyContext(type);

    private static string Describe(SyntaxNode node) => node switch
    {
        StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax => "stackalloc",
        FixedStatementSyntax => "fixed",
        FunctionPointerTypeSyntax => "delegate*",
        _ => node.ToString(),
    };
}
