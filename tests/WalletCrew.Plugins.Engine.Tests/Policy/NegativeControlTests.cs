using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

public sealed class NegativeControlTests
{
    private const string ReadFile = """var s = System.IO.File.ReadAllText("/etc/hostname");""";

    [Fact]
    public void TheAllowListIsWhatRejectsFileAccess()
    {
        var (compilation, userTree) = ScriptCompilation.Create(ReadFile);

        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().ContainSingle()
            .Which.Id.Should().Be(PolicyDiagnosticIds.ForbiddenApi);
        ApiPolicy.Create(b => b.Type("System.IO.File")).Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
    }

    [Fact]
    public void AMemberLevelAllowanceAllowsOnlyThatMember()
    {
        var (compilation, userTree) = ScriptCompilation.Create(ReadFile + "\nSystem.IO.File.Delete(s);");
        var policy = ApiPolicy.Create(b => b.Type("System.IO.File", t => t.Only("ReadAllText")));

        var diagnostics = policy.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().ContainSingle().Which.GetMessage(null).Should().StartWith("'System.IO.File.Delete(string)' is not allowed");
    }

    [Fact]
    public void AnExceptionInTheRuleTakesPrecedenceOverTheTypeAllowance()
    {
        var (compilation, userTree) = ScriptCompilation.Create("""var s = "a".Trim(); var t = "b".ToUpperInvariant();""");
        var policy = ApiPolicy.Create(b => b.Type("System.String", t => t.Except("Trim")));

        var diagnostics = policy.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().ContainSingle().Which.GetMessage(null).Should().StartWith("'string.Trim()' is not allowed");
    }

    [Fact]
    public void DefaultPolicyIsBuiltOnce()
    {
        ApiPolicy.Default.Should().BeSameAs(ApiPolicy.Default);
    }
}
