using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The fail-closed API policy for connector scripts: anything the allow-list does not name is an error.</summary>
/// <remarks>
/// Symbols declared in the compilation's own source (the author's types, locals, lambdas and the engine's generated
/// <c>__Wcp*</c> types) are allowed, except extern methods, <c>unsafe</c> code, finalizers, module initializers, explicit
/// layout and <c>async void</c>. Check never emits, loads or runs anything. See docs/policy.md.
/// </remarks>
internal sealed class ApiPolicy
{
    private readonly AllowList _allowList;

    private ApiPolicy(AllowList allowList) => _allowList = allowList;

    /// <summary>Gets the allow-list, which plugin metadata is checked against too.</summary>
    public AllowList AllowList => _allowList;

    /// <summary>Gets the policy with the built-in allow-list.</summary>
    public static ApiPolicy Default { get; } = Create();

    /// <summary>Creates a policy from the built-in allow-list plus any extra rules (for tests and host configuration).</summary>
    /// <param name="configure">Adds or replaces rules; a later rule for a type replaces the built-in one.</param>
    public static ApiPolicy Create(Action<AllowListBuilder>? configure = null)
    {
        var builder = new AllowListBuilder().AddDefaults();
        configure?.Invoke(builder);
        return new ApiPolicy(builder.Build());
    }

    /// <summary>Checks every symbol the user's tree uses, explicit and implicit.</summary>
    /// <param name="compilation">The compilation holding <paramref name="userTree"/>.</param>
    /// <param name="userTree">The author's script; other trees (the engine's generated code) are not checked.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>Error diagnostics located in <paramref name="userTree"/>; empty when the script is allowed.</returns>
    public IReadOnlyList<Diagnostic> Check(CSharpCompilation compilation, SyntaxTree userTree, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(userTree);

        var model = compilation.GetSemanticModel(userTree);
        var judge = new SymbolJudge(_allowList, compilation.Assembly);
        var violations = new ViolationCollector(compilation, cancellationToken);
        var walker = new PolicyOperationWalker(model, judge, violations, cancellationToken);
        var declarations = new DeclarationChecker(model, judge, violations);
        var walkedRoots = new HashSet<SyntaxNode>();

        var root = userTree.GetRoot(cancellationToken);
        declarations.CheckTokensAndDirectives(root);
        foreach (var node in root.DescendantNodesAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            declarations.Check(node, cancellationToken);

            var operation = model.GetOperation(node, cancellationToken);
            if (operation is null)
            {
                continue;
            }

            while (operation.Parent is not null)
            {
                operation = operation.Parent;
            }

            if (walkedRoots.Add(operation.Syntax))
            {
                walker.Visit(operation);
            }
        }

        CheckUncovered(root, model, judge, violations, walkedRoots, cancellationToken);
        return violations.Diagnostics;
    }

    // A safety net: a call or member access no operation tree covers is still judged by its symbol.
    private static void CheckUncovered(
        SyntaxNode root, SemanticModel model, SymbolJudge judge, ViolationCollector violations, HashSet<SyntaxNode> walkedRoots,
        CancellationToken cancellationToken)
    {
        var covered = walkedRoots.Select(r => r.Span).ToList();
        foreach (var node in root.DescendantNodes())
        {
            if (node is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or MemberAccessExpressionSyntax
                or ElementAccessExpressionSyntax) || covered.Any(span => span.Contains(node.Span)) || IsInNameOf(node))
            {
                continue;
            }

            var symbol = model.GetSymbolInfo(node, cancellationToken).Symbol;
            if (symbol is not (null or INamespaceSymbol) && judge.Member(symbol) is { } denial)
            {
                violations.Add(denial, node);
            }
        }
    }

    private static bool IsInNameOf(SyntaxNode node) => node.Ancestors().OfType<InvocationExpressionSyntax>()
        .Any(i => i.Expression is IdentifierNameSyntax { Identifier.Text: "nameof" });
}
