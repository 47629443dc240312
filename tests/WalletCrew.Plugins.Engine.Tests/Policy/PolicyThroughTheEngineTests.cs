using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>The engine checks the policy before anything is emitted or run: a refused script's top-level code never runs.</summary>
public sealed class PolicyThroughTheEngineTests
{
    public static TheoryData<string, string> Escapes => new()
    {
        { "System.IO.File.WriteAllText(string, string)", "System.IO.File.WriteAllText(SENTINEL, \"escaped\");" },
        { "System.Diagnostics.Process.Start(string)", "System.Diagnostics.Process.Start(\"touch\");" },
        { "System.Environment.Exit(int)", "if (System.IO.Path.Exists(SENTINEL)) System.Environment.Exit(1);" },
        { "System.Threading.Tasks.Task.Run(System.Action)", "System.Threading.Tasks.Task.Run(() => System.IO.File.WriteAllText(SENTINEL, \"escaped\"));" },
        { "System.Net.Http.HttpClient.HttpClient()", "var client = new System.Net.Http.HttpClient();" },
        { "System.Type.GetType(string)", "var t = System.Type.GetType(\"System.IO.File\");" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void EscapeIsRefusedWithTheSymbolNamedAndNeverRuns(string symbol, string escape)
    {
        using var harness = new EngineHarness();
        var sentinel = Path.Combine(harness.Folder.Directory, "sentinel.txt");
        var source = $$"""
            {{escape.Replace("SENTINEL", "@\"" + sentinel + "\"", StringComparison.Ordinal)}}
            System.IO.File.WriteAllText(@"{{sentinel}}", "top-level code ran");
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => { } });
            """;

        using var tenant = harness.Load(source);

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP1001" && d.Line == 1 && d.Message.StartsWith($"'{symbol}' is not allowed in connectors"));
        tenant.PassUpdaterCount.Should().Be(0);
        File.Exists(sentinel).Should().BeFalse("a refused script is never emitted, loaded or run");
    }

    [Theory]
    [InlineData("#r \"SENTINEL\"")]
    [InlineData("#load \"SENTINEL\"")]
    public void ReferenceAndLoadDirectivesAreRefusedWithoutReadingTheirTarget(string directive)
    {
        using var harness = new EngineHarness();
        var target = Path.Combine(harness.Folder.Directory, "target.csx");
        File.WriteAllText(target, "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => { } });");

        using var tenant = harness.Load(directive.Replace("SENTINEL", target, StringComparison.Ordinal) + "\nconsole.log(\"loaded\");");

        // Scripts compile as regular C#: the directive is an error on its own line, and nothing it names is read or loaded.
        tenant.Diagnostics.Should().Contain(d => d.IsError && d.Line == 1);
        tenant.PassUpdaterCount.Should().Be(0);
        tenant.LoadLog.Should().BeEmpty();
    }

    [Fact]
    public void WideningThePolicyLetsTheSameScriptRun()
    {
        // Negative control: the sentinel does get written when the policy allows the call, so the test above can fail.
        using var harness = new EngineHarness(widenPolicy: allow => allow.Type("System.IO.File"));
        var sentinel = Path.Combine(harness.Folder.Directory, "sentinel.txt");

        using var tenant = harness.Load($$"""
            System.IO.File.WriteAllText(@"{{sentinel}}", "top-level code ran");
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => { } });
            """);

        tenant.HasErrors.Should().BeFalse();
        File.ReadAllText(sentinel).Should().Be("top-level code ran");
    }
}
