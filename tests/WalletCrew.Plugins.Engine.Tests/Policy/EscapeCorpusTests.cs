using Microsoft.CodeAnalysis;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

public sealed class EscapeCorpusTests
{
    public static TheoryData<string, string, string> Corpus => EscapeCorpus.Entries;

    [Theory]
    [MemberData(nameof(Corpus))]
    public void EveryEscapeIsRejectedWithAnErrorNamingTheForbiddenSymbol(string name, string source, string symbol)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().NotBeEmpty(because: $"'{name}' must be rejected");
        diagnostics.Should().OnlyContain(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("WCP100", StringComparison.Ordinal));
        diagnostics.Should().OnlyContain(d => d.Location.SourceTree == userTree);
        diagnostics.Select(d => d.GetMessage(null)).Should().Contain(m => m.Contains($"'{symbol}", StringComparison.Ordinal),
            because: $"'{name}' must name the forbidden symbol");
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void EveryEscapeIsValidCSharpSoThePolicyIsWhatRejectsIt(string name, string source, string symbol)
    {
        _ = symbol;
        var (compilation, _) = ScriptCompilation.Create(source);

        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty(because: $"'{name}' must compile without the policy");
    }

    [Theory]
    [InlineData("""var s = System.IO.File.ReadAllText("/etc/passwd");""",
        "WCP1001", "'System.IO.File.ReadAllText(string)' is not allowed in connectors: file system access is forbidden. Use fetch (FetchAsync) to reach partner systems.")]
    [InlineData("""await Task.Run(() => 1);""",
        "WCP1001", "'System.Threading.Tasks.Task.Run<int>(System.Func<int>)' is not allowed in connectors: starting background work is forbidden: it would outlive the invocation and escape its limits. Use await, and Task.WhenAll to run calls concurrently.")]
    [InlineData("""using var c = new System.Net.Http.HttpClient();""",
        "WCP1001", "'System.Net.Http.HttpClient.HttpClient()' is not allowed in connectors: network access outside fetch is forbidden. Use fetch (FetchAsync) to reach partner systems.")]
    [InlineData("""var t = Type.GetType("System.IO.File");""",
        "WCP1001", "'System.Type.GetType(string)' is not allowed in connectors: reflection and run-time code generation are forbidden. Call the members you need directly; typeof(T) and nameof are allowed.")]
    [InlineData("""Span<byte> b = stackalloc byte[1024];""",
        "WCP1002", "'stackalloc' is not allowed in connectors: unsafe code, pointers and stackalloc can corrupt memory or crash the host. Use arrays, spans over arrays and collections.")]
    [InlineData("""
        Native.getpid();
        static class Native { [System.Runtime.InteropServices.DllImport("libc")] public static extern int getpid(); }
        """,
        "WCP1003", "'Native.getpid()' is not allowed in connectors: native and externally loaded code cannot be checked. Use fetch (FetchAsync) to reach partner systems.")]
    [InlineData("""var l = new Leak(); class Leak { ~Leak() { } }""",
        "WCP1004", "'Leak.~Leak()' is not allowed in connectors: a finalizer runs on the runtime's shared finalizer thread, outside any limit. Implement IDisposable and use a using statement.")]
    [InlineData("""Action a = async () => await Task.Delay(1);""",
        "WCP1005", "'async void lambda' is not allowed in connectors: an async void method cannot be awaited, and an exception it throws crashes the host. Return Task instead.")]
    [InlineData("""dynamic d = Context; object o = d;""",
        "WCP1006", "'dynamic' is not allowed in connectors: dynamic and late-bound calls cannot be checked. Use typed objects, JsonElement or JsonNode instead.")]
    public void RepresentativeRejectionsReadExactly(string source, string id, string message)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().Contain(d => d.Id == id && d.GetMessage(null) == message,
            because: "got: " + string.Join(" | ", diagnostics.Select(d => $"{d.Id}: {d.GetMessage(null)}")));
    }
}
