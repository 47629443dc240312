using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>A restart loads connectors from the compile cache, and they behave exactly as freshly compiled ones.</summary>
public sealed class CompileCacheTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "wcp-tests", "cache-" + Guid.NewGuid().ToString("N"));
    private readonly TenantFolder _folder = new();

    private const string Connector = """
        async Task onPassInstalled(string passId)
        {
            console.log("installed", passId);
            if (passId == "boom") throw new InvalidOperationException("partner said no");
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    [Fact]
    public async Task SecondEngineLoadsFromTheCacheAndBehavesTheSame()
    {
        _folder.WriteScript("crm.csx", Connector);
        var (firstStatistics, firstResult) = await LoadAndInvoke("boom");

        var (secondStatistics, secondResult) = await LoadAndInvoke("boom");

        firstStatistics.Should().Be(new CompileStatistics(1, 0));
        secondStatistics.Should().Be(new CompileStatistics(0, 1));
        secondResult.Log.Should().BeEquivalentTo(firstResult.Log);
        secondResult.Error.Should().Be("InvalidOperationException: partner said no (at server/script/crm.csx:line 4)").And.Be(firstResult.Error);
    }

    [Fact]
    public async Task ChangedSourceIsCompiledAgain()
    {
        _folder.WriteScript("crm.csx", Connector);
        await LoadAndInvoke("P1");

        _folder.WriteScript("crm.csx", Connector.Replace("\"installed\"", "\"changed\"", StringComparison.Ordinal));
        var (statistics, result) = await LoadAndInvoke("P1");

        statistics.Should().Be(new CompileStatistics(1, 0));
        result.Log.Select(l => l.Message).Should().Equal("changed P1");
    }

    [Fact]
    public async Task CorruptEntryIsAMissNotAFailure()
    {
        _folder.WriteScript("crm.csx", Connector);
        await LoadAndInvoke("P1");
        foreach (var file in Directory.EnumerateFiles(_cache, "*", SearchOption.AllDirectories))
        {
            File.WriteAllText(file, "garbage");
        }

        var (statistics, result) = await LoadAndInvoke("P1");

        statistics.Should().Be(new CompileStatistics(1, 0));
        result.Status.Should().Be(InvocationStatus.Succeeded);
    }

    [Fact]
    public void BindingDiagnosticsOfACachedImageKeepTheirPosition()
    {
        _folder.WriteScript("crm.csx", "\n  context.register(\"runtime.wallet.passUpdatr\", new { OnPassInstalled = (string passId) => { } });");
        var first = Diagnostics();

        var second = Diagnostics();

        first.Should().ContainSingle().Which.Should().StartWith("server/script/crm.csx(2,3): error WCP0101:");
        second.Should().Equal(first);
    }

    public void Dispose()
    {
        _folder.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private async Task<(CompileStatistics Statistics, InvocationResult Result)> LoadAndInvoke(string passId)
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = _cache });
        using var tenant = engine.LoadTenant(_folder.Directory);
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: passId), CancellationToken.None);
        return (engine.CompileStatistics, result);
    }

    private List<string> Diagnostics()
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = _cache });
        using var tenant = engine.LoadTenant(_folder.Directory);
        return [.. tenant.Diagnostics.Select(d => d.ToString())];
    }
}
