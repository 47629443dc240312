using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>
/// What a connector writes or causes reaches the tenant log, the error and the host's log as one line, without engine type
/// names or build paths. The hostile spellings below leaked or forged a host line before <see cref="TenantText"/>.
/// </summary>
public sealed class TenantVisibleTextTests
{
    private const string Updater = """context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });""";

    [Theory]
    [InlineData("\"paid\\n[08:00:00 INF] Host: tenant other-tenant disabled\"", "paid\\n[08:00:00 INF] Host: tenant other-tenant disabled")]
    [InlineData("\"paid\\r\\nfail: WalletCrew.Plugins.Host[0]\"", "paid\\r\\nfail: [engine][0]")]
    [InlineData("\"paid\\u2028forged\\u0085line\"", "paid\\u2028forged\\u0085line")]
    [InlineData("\"\\u001b[2Kpaid\\ttab\"", "\\u001b[2Kpaid\\ttab")]
    public async Task LogLineCannotForgeAHostLogLine(string logged, string expected)
    {
        using var host = new RecordingLoggerFactory();
        using var harness = new EngineHarness(loggerFactory: host);
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => console.log({{logged}});
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal(expected);
        host.Lines.Should().Contain($"[test-tenant] {expected}");
        host.Lines.Should().OnlyContain(line => !line.Contains('\n') && !line.Contains('\r'));
    }

    [Fact]
    public async Task ILoggerLineWithAnExceptionStaysOneLine()
    {
        using var host = new RecordingLoggerFactory();
        using var harness = new EngineHarness(loggerFactory: host);
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => Log.LogWarning(new InvalidOperationException("partner said\nINF forged"), "call {Id}\nfailed", passId);
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("call P1\\nfailed InvalidOperationException: partner said\\nINF forged");
    }

    [Fact]
    public async Task ExceptionMessageWithLineBreaksIsOneLineInTheError()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => throw new InvalidOperationException("refused\r\n[08:00:00 INF] delivered");
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Error.Should().Be("InvalidOperationException: refused\\r\\n[08:00:00 INF] delivered (at server/script/connector.csx:line 1)");
    }

    [Theory]
    [InlineData("ex.ToString()")]
    [InlineData("ex.StackTrace")]
    public async Task StackTraceOfAnEngineExceptionNamesNoEngineTypeOrBuildPath(string logged)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                try { await fetch("ftp://partner.example/x"); }
                catch (Exception ex) { console.log({{logged}}); }
            }
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        var line = result.Log.Should().ContainSingle().Which.Message;
        line.Should().Contain("[engine]").And.NotContain("WalletCrew.Plugins.Engine").And.NotContain(RepositoryRoot());
        line.Should().NotMatchRegex(@" in (/|[A-Za-z]:\\)");
    }

    [Fact]
    public async Task CastErrorNamesNoEngineType()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => console.log(((string)(object)Context).Length);
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("InvalidCastException: Unable to cast object of type '[engine]' to type 'System.String'.");
    }

    [Theory]
    [InlineData(
        "   at Refit.RequestBuilderImplementation.<>c__DisplayClass14_0`2.<<BuildCancellableTaskFuncForMethod>b__0>d.MoveNext() in D:\\a\\refit\\refit\\Refit\\RequestBuilderImplementation.cs:line 288",
        "   at Refit.RequestBuilderImplementation.<>c__DisplayClass14_0`2.<<BuildCancellableTaskFuncForMethod>b__0>d.MoveNext() in RequestBuilderImplementation.cs:line 288")]
    [InlineData(
        "   at WalletCrew.Plugins.Engine.Fetch.FetchClient.<FetchAsync>d__12.MoveNext() in /builds/engine/src/WalletCrew.Plugins.Engine/Fetch/FetchClient.cs:line 61",
        "   at [engine]() in FetchClient.cs:line 61")]
    [InlineData(
        "   at WalletCrew.Plugins.Engine.Loading.ConnectorContext+Nested.Call(String url) in \\\\build\\share\\ConnectorContext.cs:line 9",
        "   at [engine](String url) in ConnectorContext.cs:line 9")]
    public void FramesKeepOnlyTheFileNameAndNoEngineType(string frame, string scrubbed) =>
        TenantText.Scrub(frame).Should().Be(scrubbed);

    // Negative control: the scrubbing leaves the tenant's own text alone, so the assertions above see a real change.
    [Theory]
    [InlineData("   at Submission#0.onPassInstalled(String passId) in server/script/connector.csx:line 4")]
    [InlineData("GET https://partner.example/api/v1/members failed in /api/v1 path")]
    [InlineData("WalletCrew.Plugins.FetchException: 503 from partner")]
    [InlineData("déjà vu ✓ 120 points")]
    public void TenantTextIsKeptAsWritten(string text) =>
        TenantText.Clean(text).Should().Be(text);

    private static string RepositoryRoot() => RepositoryPaths.Root;
}
