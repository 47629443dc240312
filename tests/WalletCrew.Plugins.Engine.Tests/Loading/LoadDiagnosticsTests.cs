using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Loading;

/// <summary>Every bad input is a load-time diagnostic with file, line and column, and the tenant loads nothing from that file.</summary>
public sealed class LoadDiagnosticsTests
{
    private const string File = "server/script/connector.csx";

    [Fact]
    public void SyntaxErrorIsReportedAtItsLineAndColumn()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            console.log("a")
            console.log("b");
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal($"{File}(1,17): error CS1002: ; expected");
        tenant.HasErrors.Should().BeTrue();
        tenant.PassUpdaterCount.Should().Be(0);
    }

    /// <summary>
    /// Tenant text in a diagnostic (a registration key, a #error line) is one line with its control characters escaped, in
    /// process as in the sandbox: the host logs every diagnostic, and a line break forged a host log line, an escape
    /// sequence drove the operator's terminal. Control: the same diagnostic from plain text reads as written.
    /// </summary>
    [Theory]
    [InlineData("context.register(\"x\\r\\ninfo: WalletCrew.Plugins.Host[0] forged\\u001b[2J\", new { OnPassInstalled = (Action<string>)(p => { }) });", "x\\r\\ninfo: WalletCrew.Plugins.Host[0] forged\\u001b[2J")]
    [InlineData("#error forged\u001b[31m red\nvoid f() { }", "forged\\u001b[31m red")]
    [InlineData("context.register(\"x plain\", new { OnPassInstalled = (Action<string>)(p => { }) });", "x plain")]
    public void TenantTextInADiagnosticIsOneLineWithControlCharactersEscaped(string source, string shown)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(source);

        var diagnostic = tenant.Diagnostics.Should().ContainSingle(d => d.IsError).Which;
        diagnostic.Message.Should().Contain(shown);
        diagnostic.ToString().Should().NotContainAny("\r", "\n", "\u001b");
    }

    [Fact]
    public void WrongKeyIsReportedAtTheRegisterCallWithASuggestion()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            // a comment
              context.register("runtime.wallet.passUpdatr", new Hooks { ["OnPassInstalled"] = (string passId) => { } });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(2,3): error WCP0101: Unknown registration key 'runtime.wallet.passUpdatr'. Did you mean 'runtime.wallet.passUpdater'? " +
            "Supported keys: runtime.wallet.passUpdater, runtime.scriptable.customerProvider.<name>, runtime.scriptable.emailEngine.");
    }

    [Fact]
    public void UnknownMemberInHooksMapIsReportedAtTheMemberWithASuggestion()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void installed(string passId) { }
            context.register("runtime.wallet.passUpdater", new Hooks
            {
                ["OnPassInstaled"] = installed,
            });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(4,6): error WCP0103: 'OnPassInstaled' is not a member of 'runtime.wallet.passUpdater'. Did you mean 'OnPassInstalled'? Members: OnPassInstalled, OnPassUninstalled.");
    }

    [Fact]
    public void JavaScriptShapeWithATypoIsReportedAtTheMisspelledMember()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId) { }
            async Task onPassUninstalled(string passId) { }
            context.register("runtime.wallet.passUpdater", new
            {
                OnPassInstalled = onPassInstalled, OnPassUninstaled = onPassUninstalled,
            });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(5,40): error WCP0103: 'OnPassUninstaled' is not a member of 'runtime.wallet.passUpdater'. Did you mean 'OnPassUninstalled'? Members: OnPassInstalled, OnPassUninstalled.");
    }

    [Fact]
    public void UnbindableParameterIsReportedAtTheParameter()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId, int passType) { }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(1,47): error WCP0104: Parameter 'passType' of 'onPassInstalled' is declared as int, but OnPassInstalled passes 'passType' (string) at position 2: " +
            "OnPassInstalled(passId, passType, identifiers, device, additionalInformation).");
    }

    [Fact]
    public void TooManyParametersAreReported()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void onPassInstalled(string a, string b, IReadOnlyDictionary<string, string> c, string d, AdditionalPassInstallationInformation e, string f) { }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        tenant.Diagnostics.Should().ContainSingle().Which.Message.Should().Be(
            "'onPassInstalled' declares 6 parameters, but OnPassInstalled passes at most 5: OnPassInstalled(passId, passType, identifiers, device, additionalInformation).");
    }

    [Fact]
    public void CompileErrorAfterARewrittenMemberKeepsTheUsersColumn()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void onPassInstalled(string passId) { }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled, Other = missing });
            """);

        // Without the source map the column would be shifted by the cast the engine inserted before `missing`.
        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(2,97): error CS0103: The name 'missing' does not exist in the current context");
    }

    [Fact]
    public void TopLevelExceptionIsReportedWithItsLine()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            console.log("loading");
            throw new InvalidOperationException("no config");
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(2,1): error WCP0201: The connector's top-level code failed: InvalidOperationException: no config");
    }

    [Fact]
    public void ScriptRegisteringNothingGetsAWarningButLoads()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("console.log(\"loaded\");");

        tenant.HasErrors.Should().BeFalse();
        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}: warning WCP0108: This connector registers nothing: call context.register(key, implementation) in its top-level code (or IConnectorModule.Register).");
    }

    [Fact]
    public async Task BrokenFileDoesNotStopTheTenantsOtherConnectors()
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("broken.csx", "this is not C#");
        harness.Folder.WriteScript("good.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => console.log(passId) });");
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        tenant.HasErrors.Should().BeTrue();
        tenant.Diagnostics.Should().OnlyContain(d => d.Path == "server/script/broken.csx");
        result.Log.Select(l => l.Message).Should().Equal("P1");
    }

    [Fact]
    public void InvalidTenantFolderNameIsReported()
    {
        using var folder = new TenantFolder("Not_A_Tenant");
        using var engine = new ConnectorEngine();

        using var tenant = engine.LoadTenant(folder.Directory);

        tenant.Diagnostics.Should().ContainSingle().Which.Message.Should().Be(
            "'Not_A_Tenant' is not a valid tenant id: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit.");
    }
}
