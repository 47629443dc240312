using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>What loads is the woven copy, so that copy is what the API policy judges: a copy changed in the cache never loads unchecked.</summary>
public sealed class WovenCopyTests : IDisposable
{
    private const string Benign = """
        using WalletCrew.Plugins;

        namespace Swap;

        public sealed class Hook : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    private const string ReadsFiles = """
        using WalletCrew.Plugins;

        namespace Swap;

        public sealed class Hook : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) =>
                Task.FromResult(System.IO.File.ReadAllText("/etc/hostname"));

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    private readonly string _cache = Path.Combine(Path.GetTempPath(), "wcp-tests", "woven-" + Guid.NewGuid().ToString("N"));
    private readonly TenantFolder _tenant = new("acme");

    [Fact]
    public void AWovenCopyChangedInTheCacheIsJudgedByThePolicyBeforeItLoads()
    {
        PluginCompiler.CompileInto(_tenant, "Swap", Benign);
        using (var first = Load())
        {
            first.Diagnostics.Should().BeEmpty("the original plugin is allowed (control)");
        }

        var woven = Directory.GetFiles(Path.Combine(_cache, "acme", "woven-plugins"), "Swap.dll", SearchOption.AllDirectories).Should().ContainSingle().Subject;
        File.WriteAllBytes(woven, PluginCompiler.Compile("Swap", ReadsFiles, PluginCompiler.HostAbstractions));

        using var second = Load();

        second.PassUpdaterCount.Should().Be(0);
        second.Diagnostics.Should().NotBeEmpty().And.OnlyContain(d => d.Code == "WCP0310");
        second.Diagnostics.Should().Contain(d => d.Message.Contains("'System.IO.File.ReadAllText'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _tenant.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private TenantConnectors Load()
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = _cache });
        return engine.LoadTenant(_tenant.Directory);
    }
}
