using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Inserts <see cref="ConnectorCheckpoint"/> calls into a script that compiled clean: <c>Tick()</c> at every loop back-edge,
/// label, switch section, <c>catch</c> and <c>finally</c>; <c>Enter()</c> at the entry of every method, local function,
/// constructor, accessor and lambda (expression bodies become blocks). It never adds a line break, so line numbers stay the user's.
/// </summary>
internal sealed class CheckpointRewriter(SemanticModel model) : CSharpSyntaxRewriter
{
    private const string Checkpoint = "global::WalletCrew.Plugins.ConnectorCheckpoint";

    private static readonly StatementSyntax TickCall = ParseStatement(Checkpoint + ".Tick();");
    private static readonly StatementSyntax EnterCall = ParseStatement(Checkpoint + ".Enter();");
    private static readonly ExpressionSyntax EnterInitializerCall = ParseExpression(Checkpoint + ".EnterInitializer()");

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    // A backward goto is a loop too, and so is `goto case`.
    public override SyntaxNode? VisitLabeledStatement(LabeledStatementSyntax node)
    {
        var visited = (LabeledStatementSyntax)base.VisitLabeledStatement(node)!;
        return visited.WithStatement(Prepend(visited.Statement, TickCall));
    }

    public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node)
    {
        var visited = (SwitchSectionSyntax)base.VisitSwitchSection(node)!;
        return visited.WithStatements(visited.Statements.Insert(0, TickCall));
    }

    public override SyntaxNode? VisitCatchClause(CatchClauseSyntax node)
    {
        var visited = (CatchClauseSyntax)base.VisitCatchClause(node)!;
        return visited.WithBlock(PrependToBlock(visited.Block, TickCall));
    }

    public override SyntaxNode? VisitFinallyClause(FinallyClauseSyntax node)
    {
        var visited = (FinallyClauseSyntax)base.VisitFinallyClause(node)!;
        return visited.WithBlock(PrependToBlock(visited.Block, TickCall));
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
    {
        var visited = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var visited = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var visited = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        var (body, expression, semicolon) = Instrument(node, visited.Body, visited.ExpressionBody, visited.SemicolonToken);
        return visited.WithBody(body).WithExpressionBody(expression).WithSemicolonToken(semicolon);
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var visited = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (visited.ExpressionBody is { } arrow)
        {
            // `T P => e;` is a getter: `T P{get{Enter();return e;}}`.
            var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, ToBlock(arrow, visited.SemicolonToken, returnsValue: true));
            return visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(List([getter])));
        }

        if (visited.Initializer is { } initializer && IsInstanceMember(node))
        {
            return visited.WithInitializer(initializer.WithValue(Guard(initializer.Value)));
        }

        return visited;
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var visited = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (visited.ExpressionBody is not { } arrow)
        {
            return visited;
        }

        var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, ToBlock(arrow, visited.SemicolonToken, returnsValue: true));
        return visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(List([getter])));
    }

    // An instance initializer runs before any constructor body: `A next = new A();` would recurse past every Enter().
    public override SyntaxNode? VisitVariableDeclarator(VariableDeclaratorSyntax node)
    {
        var visited = (VariableDeclaratorSyntax)base.VisitVariableDeclarator(node)!;
        return visited.Initializer is { } initializer && node.Parent?.Parent is FieldDeclarationSyntax field && IsInstanceMember(field)
            ? visited.WithInitializer(initializer.WithValue(Guard(initializer.Value)))
            : visited;
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return InstrumentLambda(node, visited);
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return InstrumentLambda(node, visited);
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return IsExpressionTree(node) ? visited : visited.WithBlock(PrependToBlock(visited.Block, EnterCall));
    }

    private SyntaxNode InstrumentLambda(LambdaExpressionSyntax original, LambdaExpressionSyntax visited)
    {
        if (IsExpressionTree(original))
        {
            return visited; // never runs as is: compiling it is forbidden by the policy
        }

        if (visited.Block is { } block)
        {
            return visited.WithBlock(PrependToBlock(block, EnterCall));
        }

        var expression = visited.ExpressionBody!;
        var returnsValue = model.GetSymbolInfo(original).Symbol is IMethodSymbol lambda && ReturnsValue(lambda);
        var body = Block(Token(SyntaxKind.OpenBraceToken), List([EnterCall, Statement(expression.WithoutTrailingTrivia(), returnsValue)]),
            Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(expression.GetTrailingTrivia()));
        return visited.WithExpressionBody(null).WithBlock(body);
    }

    private (BlockSyntax? Body, ArrowExpressionClauseSyntax? Expression, SyntaxToken Semicolon) Instrument(
        SyntaxNode original, BlockSyntax? body, ArrowExpressionClauseSyntax? arrow, SyntaxToken semicolon)
    {
        if (body is not null)
        {
            return (PrependToBlock(body, EnterCall), null, semicolon);
        }

        if (arrow is null)
        {
            return (null, null, semicolon); // abstract, partial or extern: nothing runs here
        }

        var returnsValue = model.GetDeclaredSymbol(original) is IMethodSymbol method && ReturnsValue(method);
        return (ToBlock(arrow, semicolon, returnsValue), null, default);
    }

    private static BlockSyntax ToBlock(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool returnsValue)
    {
        var open = Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(arrow.ArrowToken.TrailingTrivia);
        var statement = Statement(arrow.Expression.WithoutTrailingTrivia(), returnsValue).WithTrailingTrivia(arrow.Expression.GetTrailingTrivia());
        var close = Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(semicolon.LeadingTrivia).WithTrailingTrivia(semicolon.TrailingTrivia);
        return Block(open, List([EnterCall, statement]), close);
    }

    private static StatementSyntax Statement(ExpressionSyntax expression, bool returnsValue) => expression switch
    {
        ThrowExpressionSyntax thrown => ThrowStatement(thrown.ThrowKeyword, thrown.Expression, Token(SyntaxKind.SemicolonToken)),
        _ when returnsValue => ReturnStatement(Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(Space), expression, Token(SyntaxKind.SemicolonToken)),
        _ => ExpressionStatement(expression, Token(SyntaxKind.SemicolonToken)),
    };

    // `async Task` and `async ValueTask` return no value from their body; `async Task<T>` does.
    private static bool ReturnsValue(IMethodSymbol method) =>
        !method.ReturnsVoid && (!method.IsAsync || method.ReturnType is INamedTypeSymbol { IsGenericType: true });

    private bool IsExpressionTree(ExpressionSyntax lambda) =>
        model.GetTypeInfo(lambda).ConvertedType is INamedTypeSymbol { Name: "Expression", ContainingNamespace: var ns }
        && ns.ToDisplayString() == "System.Linq.Expressions";

    private static bool IsInstanceMember(MemberDeclarationSyntax member) =>
        !member.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword));

    // `EnterInitializer() ? (e) : default!` checks before `e` runs, keeping the member's type.
    private static ExpressionSyntax Guard(ExpressionSyntax value) =>
        ConditionalExpression(
            EnterInitializerCall,
            Token(SyntaxKind.QuestionToken),
            ParenthesizedExpression(value.WithoutTrivia()),
            Token(SyntaxKind.ColonToken),
            PostfixUnaryExpression(SyntaxKind.SuppressNullableWarningExpression, LiteralExpression(SyntaxKind.DefaultLiteralExpression)))
        .WithTriviaFrom(value);

    private static StatementSyntax Prepend(StatementSyntax statement, StatementSyntax call)
    {
        if (statement is BlockSyntax block)
        {
            return PrependToBlock(block, call);
        }

        // `while (c) x++;` becomes `while (c) {Tick(); x++;}`: the body keeps its own line.
        return Block(Token(SyntaxKind.OpenBraceToken), List([call, statement.WithoutTrailingTrivia()]),
            Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(statement.GetTrailingTrivia()));
    }

    // The call goes right after `{`, on its line, before the brace's own trailing trivia (usually the end of the line).
    private static BlockSyntax PrependToBlock(BlockSyntax block, StatementSyntax call) =>
        block.WithOpenBraceToken(block.OpenBraceToken.WithTrailingTrivia())
            .WithStatements(block.Statements.Insert(0, call.WithTrailingTrivia(block.OpenBraceToken.TrailingTrivia)));
}
