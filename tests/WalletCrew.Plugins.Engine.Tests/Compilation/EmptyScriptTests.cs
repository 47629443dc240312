using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>
/// A script without top-level code (empty, comments only, declarations only) compiles, loads and registers nothing, and
/// the tenant's other connectors work. Before, each spelling failed with CS5001 (no Main) and counted as a broken connector.
/// </summary>
public sealed class EmptyScriptTests
{
    public static TheoryData<string, string> Spellings => new()
    {
        { "empty", "" },
        { "whitespace", "  \n\t\r\n" },
        { "line comments", "// the CRM connector lives in crm.csx\n// TODO: loyalty\n" },
        { "block and doc comments", "/* later */\n/// <summary>nothing yet</summary>\n" },
        { "a region", "#region later\n#endregion\n" },
        { "usings only", "using System.Text;\nusing System.Globalization;\n" },
        { "declarations only", "public sealed record Customer(string Id, int Points);\ninternal static class Tiers { public const string Gold = \"gold\"; }\n" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task ScriptWithoutTopLevelCodeLoadsNextToAWorkingOne(string spelling, string source)
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("later.csx", source);
        harness.Folder.WriteScript("crm.csx", """
            Task onPassInstalled(string passId)
            {
                Log.LogInformation("installed {PassId}", passId);
                return Task.CompletedTask;
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().NotContain(d => d.IsError, spelling);
        tenant.Diagnostics.Should().OnlyContain(d => d.Path == "server/script/later.csx" && d.Code == "WCP0108", "an empty connector only earns the 'registers nothing' warning");
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(e => e.Message).Should().Equal("installed P1");
    }

    [Fact]
    public void NegativeControlAScriptWithABrokenStatementStillFails()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load("// a comment, then code that does not compile\nvar x = ;\n", "later.csx");

        tenant.Diagnostics.Should().Contain(d => d.IsError && d.Code == "CS1525");
    }
}
