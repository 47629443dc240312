using Microsoft.CodeAnalysis;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

public sealed class ViolationReportingTests
{
    [Fact]
    public void EveryViolationIsReportedWithItsLineAndColumn()
    {
        const string source = """
            var fine = "ok".Length;
            var text = System.IO.File.ReadAllText("/etc/passwd");
                Environment.Exit(1);
            if (fine > 0) { GC.Collect(); }
            """;
        var (compilation, userTree) = ScriptCompilation.Create(source);

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Select(Describe).Should().Equal(
            "server/script/connector.csx(2,12): WCP1001 'System.IO.File.ReadAllText(string)'",
            "server/script/connector.csx(3,5): WCP1001 'System.Environment.Exit(int)'",
            "server/script/connector.csx(4,17): WCP1001 'System.GC.Collect()'");
    }

    [Fact]
    public void TheSameSymbolOnTheSameLineIsReportedOnce()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""GC.Collect(); GC.Collect();""" + "\nGC.Collect();");

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line).Should().Equal(0, 1);
    }

    [Theory]
    [InlineData("await Task.CompletedTask;", "System.Threading.Tasks.Task", "CompletedTask", "System.Threading.Tasks.Task.GetAwaiter()")]
    [InlineData("foreach (var x in new List<int>()) { }", "System.Collections.Generic.List", "GetEnumerator", "System.Collections.Generic.List<int>.GetEnumerator()")]
    [InlineData("var q = from x in new[] { 1 } where x > 0 select x;", "System.Linq.Enumerable", "Where", "System.Linq.Enumerable.Where<int>(")]
    [InlineData("var l = new List<int> { 1 };", "System.Collections.Generic.List", "Add", "System.Collections.Generic.List<int>.Add(int)")]
    [InlineData("var (k, v) = new KeyValuePair<int, int>(1, 2);", "System.Collections.Generic.KeyValuePair", "Deconstruct", "System.Collections.Generic.KeyValuePair<int, int>.Deconstruct(out int, out int)")]
    [InlineData("var d = DateTime.MinValue - TimeSpan.Zero;", "System.DateTime", "op_Subtraction", "System.DateTime.operator -(System.DateTime, System.TimeSpan)")]
    [InlineData("DateTimeOffset o = DateTime.MinValue;", "System.DateTimeOffset", "op_Implicit", "System.DateTimeOffset.implicit operator System.DateTimeOffset(System.DateTime)")]
    public void ImplicitCallsOfLanguageConstructsAreJudgedLikeExplicitOnes(string source, string type, string member, string expected)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);
        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
        var rule = type == "System.Threading.Tasks.Task"
            ? (Action<TypeRuleBuilder>)(t => t.Only(member))
            : t => t.Except(member);

        var messages = ApiPolicy.Create(b => b.Type(type, rule)).Check(compilation, userTree, CancellationToken.None)
            .Select(d => d.GetMessage(null));

        messages.Should().Contain(m => m.StartsWith("'" + expected, StringComparison.Ordinal), because: string.Join(" | ", messages));
    }

    [Fact]
    public void AwaitIsAllowedButCallingGetAwaiterExplicitlyIsNot()
    {
        var (compilation, userTree) = ScriptCompilation.Create("await Task.Delay(1);\nTask.Delay(1).GetAwaiter().GetResult();");

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Select(d => d.GetMessage(null)).Should().BeEquivalentTo(
            "'System.Threading.Tasks.Task.GetAwaiter()' is not allowed in connectors: blocking a thread is forbidden. Use await (and a lock statement to guard shared state).",
            "'System.Runtime.CompilerServices.TaskAwaiter.GetResult()' is not allowed in connectors: blocking a thread is forbidden. Use await (and a lock statement to guard shared state).");
    }

    [Fact]
    public void LateBoundCallsAreRejectedEvenWhenTheyDoNotCompile()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""dynamic d = Context; d.Launch("rockets");""");

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().Contain(d => d.Id == PolicyDiagnosticIds.LateBound);
    }

    [Fact]
    public void UnresolvedCodeIsLeftToTheCompilerWhenTheCompilationHasErrors()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""var x = NoSuchThing.Call();""");

        ScriptCompilation.CompilerErrors(compilation).Should().NotBeEmpty();
        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
    }

    [Fact]
    public void OnlyTheUserTreeIsChecked()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""var ok = 1;""");
        var generated = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "static class __WcpHost { public static string Read() => System.IO.File.ReadAllText(\"x\"); }",
            userTree.Options as Microsoft.CodeAnalysis.CSharp.CSharpParseOptions);

        var diagnostics = ApiPolicy.Default.Check(compilation.AddSyntaxTrees(generated), userTree, CancellationToken.None);

        diagnostics.Should().BeEmpty();
    }

    [Fact]
    public void CheckHonoursCancellation()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""var ok = 1;""");

        var check = () => ApiPolicy.Default.Check(compilation, userTree, new CancellationToken(canceled: true));

        check.Should().Throw<OperationCanceledException>();
    }

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        var message = d.GetMessage(null);
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {d.Id} {message[..(message.IndexOf('\'', 1) + 1)]}";
    }
}
