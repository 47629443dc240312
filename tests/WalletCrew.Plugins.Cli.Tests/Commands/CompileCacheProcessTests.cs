using System.Text.Json;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>A restart with a warm compile cache serves the samples without the compiler (no compile, no compiler process),
/// and a cold one compiles in a compiler process, never in wcp's own: real processes, since a test process has Roslyn loaded already.</summary>
public sealed class CompileCacheProcessTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "wcp-tests", "cache-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WarmCacheChecksEverySampleWithoutLoadingTheCompiler()
    {
        var cold = await CheckAllSamples();
        var warm = await CheckAllSamples();

        // Negative control: the cold run compiled (in a compiler process: wcp's own process never loads the compiler), so
        // the counters do see a compile when one happens.
        cold.Should().OnlyContain(r => r.Compiled == 1 && r.FromCache == 0 && !r.CompilerLoaded);
        warm.Should().OnlyContain(r => r.Compiled == 0 && r.FromCache == 1 && !r.CompilerLoaded);
        warm.Select(r => r.Diagnostics).Should().Equal(cold.Select(r => r.Diagnostics));
    }

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private async Task<List<(int Compiled, int FromCache, bool CompilerLoaded, string Diagnostics)>> CheckAllSamples()
    {
        var wcp = Path.Combine(AppContext.BaseDirectory, "wcp.dll");
        var results = new List<(int, int, bool, string)>();
        foreach (var tenant in new[] { "acme-crm", "minimal", "loyalty", "acme-typed" })
        {
            var (exitCode, output) = await DotnetProcess.RunAsync(TimeSpan.FromSeconds(60), wcp, "check", Path.Combine(RepositoryPaths.SampleTenants, tenant), "--format", "json", "--cache", _cache);
            exitCode.Should().Be(0, output);
            using var report = JsonDocument.Parse(output);
            var compile = report.RootElement.GetProperty("compile");
            results.Add((
                compile.GetProperty("compiled").GetInt32(),
                compile.GetProperty("fromCache").GetInt32(),
                compile.GetProperty("compilerLoaded").GetBoolean(),
                report.RootElement.GetProperty("diagnostics").GetRawText()));
        }

        return results;
    }
}
