using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Compilation;

namespace WalletCrew.Plugins.Benchmarks.Compile;

/// <summary>
/// A new tenant in a warm process: the engine (and Roslyn) already used once, then per iteration a fresh tenant folder whose
/// script differs by a comment, so no cache can answer. <c>LoadTenant</c> is compile + load + bind + top-level code.
/// Forty warm-up compiles first: Roslyn is large and its hot paths only reach tier-1 JIT after many calls.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 40, iterationCount: 40)]
public class CompileWarm
{
    private TenantFolders? _folders;
    private ConnectorEngine? _engine;
    private readonly ScriptCompiler _compiler = new();
    private TenantConnectors? _loaded;
    private string _directory = "";
    private ScriptSource? _source;
    private int _iteration;

    [Params("minimal", "acme-crm")]
    public string Sample { get; set; } = "minimal";

    [GlobalSetup]
    public void Setup()
    {
        _folders = new TenantFolders();
        _engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true, HttpHandler = new InMemoryPartnerHandler() });
        using var first = _engine.LoadTenant(NextTenant());
        if (first.HasErrors)
        {
            throw new InvalidOperationException(string.Join("; ", first.Diagnostics));
        }
    }

    [IterationSetup]
    public void NewTenant()
    {
        _directory = NextTenant();
        var script = Directory.EnumerateFiles(Path.Combine(_directory, "server", "script"), "*.csx").Single();
        _source = new ScriptSource(Path.GetFileName(_directory), "server/script/" + Path.GetFileName(script), File.ReadAllText(script));
    }

    [Benchmark(Description = "LoadTenant (compile+load+bind)")]
    public int LoadTenant()
    {
        _loaded = _engine!.LoadTenant(_directory);
        return _loaded.PassUpdaterCount;
    }

    [Benchmark(Description = "ScriptCompiler.Compile (parse+Emit)")]
    public int CompileOnly() => _compiler.Compile(_source!).Image!.Length;

    [IterationCleanup]
    public void Unload()
    {
        _loaded?.Dispose();
        _loaded = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine?.Dispose();
        _folders?.Dispose();
    }

    private string NextTenant()
    {
        var directory = _folders!.CopySample(Sample, $"t{++_iteration}");
        var script = Directory.EnumerateFiles(Path.Combine(directory, "server", "script"), "*.csx").Single();
        File.AppendAllText(script, $"{Environment.NewLine}// benchmark iteration {_iteration}{Environment.NewLine}");
        return directory;
    }
}
