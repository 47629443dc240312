using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// String literals are interned process-wide: the host's "https", "Authorization" or an allow-list name is the same object a
/// script's literal is. No script may write into a string or probe the intern table. These spellings were refused already;
/// the tests pin that, and the control shows what one would do if the refusal went away.
/// </summary>
public sealed class InternedStringTests
{
    private const string Updater = """context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });""";

    [Theory]
    [InlineData("string.Intern(\"wcp-probe\");")]
    [InlineData("string.IsInterned(\"Authorization\");")]
    [InlineData("System.Runtime.InteropServices.MemoryMarshal.AsMemory(\"https\".AsMemory()).Span[0] = 'x';")]
    [InlineData("System.Runtime.CompilerServices.Unsafe.AsRef(in \"https\".GetPinnableReference()) = 'x';")]
    [InlineData("System.Runtime.InteropServices.MemoryMarshal.GetReference(\"https\".AsSpan());")]
    [InlineData("unsafe { fixed (char* p = \"https\") { *p = 'x'; } }")]
    public void ScriptCannotWriteIntoOrProbeInternedStrings(string spelling)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            {{spelling}}
            void onPassInstalled(string passId) { }
            {{Updater}}
            """);

        tenant.Diagnostics.Should().Contain(d => d.IsError && d.Line == 1);
        tenant.PassUpdaterCount.Should().Be(0);
    }

    // Negative control: with MemoryMarshal allowed, a script rewrites a literal in place (a unique one, so no other code sees it).
    [Fact]
    public async Task WithMemoryMarshalAllowedAScriptRewritesALiteral()
    {
        using var harness = new EngineHarness(widenPolicy: allow => allow.Type("System.Runtime.InteropServices.MemoryMarshal"));
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId)
            {
                System.Runtime.InteropServices.MemoryMarshal.AsMemory("wcp-literal-5e1f".AsMemory()).Span[0] = 'X';
                console.log("wcp-literal-5e1f");
            }
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("Xcp-literal-5e1f");
    }
}
