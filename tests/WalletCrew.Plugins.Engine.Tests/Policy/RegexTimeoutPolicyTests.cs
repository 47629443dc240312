using System.Reflection;
using System.Text.RegularExpressions;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// The engine's match timeout is the only one a script gets: every overload that takes a timeout, <c>InfiniteMatchTimeout</c>
/// and a subclass's <c>internalMatchTimeout</c> are refused, the overloads without one stay allowed. Before, each line of
/// <see cref="TimeoutSpellings"/> passed the policy, so a script could run a catastrophic pattern without any bound.
/// </summary>
public sealed class RegexTimeoutPolicyTests
{
    public static TheoryData<string> TimeoutSpellings => new()
    {
        "_ = new Regex(\"a\", RegexOptions.None, Regex.InfiniteMatchTimeout);",
        "_ = new Regex(\"a\", RegexOptions.None, TimeSpan.FromDays(24));",
        "_ = new Regex(\"a\", RegexOptions.None, Timeout.InfiniteTimeSpan);",
        "_ = Regex.IsMatch(\"a\", \"a\", RegexOptions.None, TimeSpan.FromMilliseconds(-1));",
        "_ = Regex.IsMatch(\"a\".AsSpan(), \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Match(\"a\", \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Matches(\"a\", \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Replace(\"a\", \"a\", \"b\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Replace(\"a\", \"a\", m => \"b\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Split(\"a\", \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Count(\"a\", \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "_ = Regex.Count(\"a\".AsSpan(), \"a\", RegexOptions.None, TimeSpan.FromDays(1));",
        "foreach (var m in Regex.EnumerateMatches(\"a\".AsSpan(), \"a\", RegexOptions.None, TimeSpan.FromDays(1))) { }",
        "foreach (var r in Regex.EnumerateSplits(\"a\".AsSpan(), \"a\", RegexOptions.None, TimeSpan.FromDays(1))) { }",
        "var t = Regex.InfiniteMatchTimeout;",
        "_ = new Forever(); sealed class Forever : Regex { public Forever() : base(\"(a+)+$\") { internalMatchTimeout = TimeSpan.FromDays(24); } }",
    };

    [Theory]
    [MemberData(nameof(TimeoutSpellings))]
    public void ScriptCannotChooseItsOwnMatchTimeout(string line)
    {
        var diagnostics = Check(line);

        diagnostics.Should().NotBeEmpty().And.OnlyContain(d => d.Id == "WCP1001" && d.GetMessage(null).Contains("the engine sets the match timeout"));
    }

    [Fact]
    public void EveryRegexOverloadWithATimeoutIsCovered()
    {
        // A runtime that adds an overload taking a timeout must get a spelling above (and a line in DefaultAllowList).
        var overloads = typeof(Regex).GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
            .OfType<MethodBase>()
            .Count(m => m.GetParameters().Any(p => p.ParameterType == typeof(TimeSpan)));

        overloads.Should().Be(12);
    }

    [Fact]
    public void NegativeControlTheOverloadsWithoutATimeoutAreAllowed()
    {
        var diagnostics = Check("""
            _ = new Regex("a", RegexOptions.None).IsMatch("a");
            _ = Regex.IsMatch("a", "a") && Regex.IsMatch("a".AsSpan(), "a", RegexOptions.IgnoreCase);
            _ = Regex.Match("a", "a").Success;
            _ = Regex.Matches("a", "a").Count + Regex.Count("a", "a") + Regex.Split("a", "a").Length;
            _ = Regex.Replace("a", "a", "b") + Regex.Replace("a", "a", m => "b", RegexOptions.None);
            foreach (var m in Regex.EnumerateMatches("a".AsSpan(), "a")) { }
            _ = new Regex("a").MatchTimeout;
            """);

        diagnostics.Select(d => d.GetMessage(null)).Should().BeEmpty();
    }

    private static IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> Check(string body)
    {
        var (compilation, userTree) = ScriptCompilation.Create("using System.Text.RegularExpressions;\n" + body);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty();
        return ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);
    }
}
