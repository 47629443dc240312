using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using WalletCrew.Plugins.Engine.Compilation;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>What <see cref="DeclarationMover"/> moves, and that every position before the copies stays the user's own.</summary>
public sealed class DeclarationMoverTests
{
    private static readonly CSharpParseOptions Regular = new(LanguageVersion.Latest, kind: SourceCodeKind.Regular);

    [Fact]
    public void ATypeBeforeAStatementIsBlankedInPlaceAndCopiedAtItsLineAndColumn()
    {
        const string source = "var a = 1;  record P(int N);\r\nclass C\n{\n}\nConsole.WriteLine(a);\n";

        var (text, movedStart, tree) = Move(source);

        movedStart.Should().Be(source.Length);
        text.ToString(new TextSpan(0, movedStart)).Should().Be("var a = 1;                  \r\n       \n \n \nConsole.WriteLine(a);\n");
        tree.GetDiagnostics().Should().BeEmpty();
        var copies = tree.GetCompilationUnitRoot().Members.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().ToList();
        copies.Select(c => c.Identifier.ValueText).Should().Equal("P", "C");
        copies.Select(c => c.SpanStart).Should().OnlyContain(start => start >= movedStart);
        copies.Select(c => tree.GetMappedLineSpan(c.Span).StartLinePosition).Should().Equal(new LinePosition(0, 12), new LinePosition(1, 0));
    }

    [Theory]
    [InlineData("var a = 1;\nConsole.WriteLine(a);\n")]
    [InlineData("var a = 1;\nrecord P(int N);\nenum E { X }\n")]
    [InlineData("record P(int N);\n")]
    [InlineData("")]
    public void NothingMovesWhenNoTypeComesBeforeAStatement(string source)
    {
        var original = SourceText.From(source);

        var (text, movedStart) = DeclarationMover.Move(CSharpSyntaxTree.ParseText(original, Regular), original);

        text.Should().BeSameAs(original);
        movedStart.Should().Be(source.Length);
    }

    [Fact]
    public void NegativeControlUnmovedTheParserRefusesAStatementAfterAType()
    {
        var tree = CSharpSyntaxTree.ParseText("record P(int N);\nvar a = new P(1);\n", Regular);

        CSharpCompilation.Create("control", [tree]).GetDiagnostics().Select(d => d.Id).Should().Contain("CS8803");
    }

    private static (SourceText Text, int MovedStart, SyntaxTree Tree) Move(string source)
    {
        var original = SourceText.From(source);
        var tree = CSharpSyntaxTree.ParseText(original, Regular);
        var (text, movedStart) = DeclarationMover.Move(tree, original);
        return (text, movedStart, tree.WithChangedText(text));
    }
}
