using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

public sealed class AllowedScriptsTests
{
    public static TheoryData<string, string> Scripts => AllowedScripts.Entries;

    [Theory]
    [MemberData(nameof(Scripts))]
    public void AllowedScriptPassesWithoutDiagnostics(string name, string source)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty(because: $"'{name}' must be valid C#");

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Select(d => $"{d.Location.GetLineSpan().StartLinePosition}: {d.Id}: {d.GetMessage(null)}")
            .Should().BeEmpty(because: $"'{name}' uses only allowed APIs");
    }
}
