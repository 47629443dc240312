using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The members the compiler calls for a language construct without an operation of their own.</summary>
internal static class ImplicitCalls
{
    /// <summary>Gets what <c>foreach</c> calls: GetEnumerator, MoveNext, Current, Dispose, element conversion, Deconstruct.</summary>
    public static IEnumerable<ISymbol?> ForEach(SemanticModel model, SyntaxNode syntax)
    {
        if (syntax is not CommonForEachStatementSyntax loop)
        {
            yield break;
        }

        var info = model.GetForEachStatementInfo(loop);
        yield return info.GetEnumeratorMethod;
        yield return info.MoveNextMethod;
        yield return info.CurrentProperty?.GetMethod;
        yield return info.DisposeMethod;
        yield return info.ElementConversion.MethodSymbol;
        yield return info.CurrentConversion.MethodSymbol;
        if (loop is ForEachVariableStatementSyntax deconstructing)
        {
            foreach (var method in Deconstruct(model.GetDeconstructionInfo(deconstructing)))
            {
                yield return method;
            }
        }
    }

    /// <summary>Gets what <c>await</c> calls: GetAwaiter, IsCompleted and GetResult.</summary>
    public static IEnumerable<ISymbol?> Await(SemanticModel model, SyntaxNode syntax)
    {
        if (syntax is not AwaitExpressionSyntax awaitExpression)
        {
            yield break;
        }

        var info = model.GetAwaitExpressionInfo(awaitExpression);
        yield return info.GetAwaiterMethod;
        yield return info.IsCompletedProperty?.GetMethod;
        yield return info.GetResultMethod;
    }

    /// <summary>Gets the Deconstruct methods and conversions a deconstructing assignment calls, nested ones included.</summary>
    public static IEnumerable<ISymbol?> Deconstruction(SemanticModel model, SyntaxNode syntax) => syntax is AssignmentExpressionSyntax assignment
        ? Deconstruct(model.GetDeconstructionInfo(assignment))
        : [];

    private static IEnumerable<ISymbol?> Deconstruct(DeconstructionInfo info)
    {
        if (info.Method is not null)
        {
            yield return info.Method;
        }

        if (info.Conversion is { MethodSymbol: { } conversion })
        {
            yield return conversion;
        }

        foreach (var nested in info.Nested)
        {
            foreach (var method in Deconstruct(nested))
            {
                yield return method;
            }
        }
    }
}
