using BenchmarkDotNet.Attributes;
using WalletCrew.Plugins.Benchmarks.HookInvocation;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.Sandbox;

/// <summary>
/// The seed hook (<c>getSecret</c> then a form-encoded <c>fetch</c>, answered in memory in the host) in-process and in a
/// sandboxed worker, so the difference is the channel: the event, the secret and the fetch each cross it. Cold start
/// is in the `sandbox` report; here, loading a tenant whose files are unchanged (its saved state, no worker).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SandboxCall
{
    private const string TenantId = "acme-crm";

    private readonly InMemoryPartnerHandler _handler = new();
    private readonly PassInstallationEvent _event = BenchmarkEvents.Installed(TenantId);
    private TenantFolders? _folders;
    private string? _cache;
    private ConnectorEngine? _inProcess;
    private ConnectorEngine? _sandbox;
    private TenantConnectors? _inProcessTenant;
    private TenantConnectors? _sandboxTenant;
    private string? _directory;

    [GlobalSetup]
    public void Setup()
    {
        var secrets = new InMemorySecretSource().Set(TenantId, BenchmarkEvents.SecretName, BenchmarkEvents.SecretValue);
        _folders = new TenantFolders();
        _cache = TenantFolders.CreateReachable("wcp-bench-cache-");
        _directory = _folders.CopySample("acme-crm", TenantId);
        _inProcess = new ConnectorEngine(new ConnectorEngineOptions { Secrets = secrets, AllowLoopback = true, HttpHandler = _handler, CompileCacheDirectory = _cache });
        _sandbox = new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = secrets, AllowLoopback = true, HttpHandler = _handler, CompileCacheDirectory = _cache, Isolation = IsolationMode.Sandbox,
        });
        _inProcessTenant = _inProcess.LoadTenant(_directory);
        _sandboxTenant = _sandbox.LoadTenant(_directory);
        SameRequestCheck.Run(_handler, _inProcessTenant, _event, ("sandbox", () => Sandboxed()));
    }

    [Benchmark(Baseline = true, Description = "seed hook, in-process")]
    public Task<InvocationResult> InProcess() => _inProcessTenant!.InvokePassUpdatersAsync(_event, CancellationToken.None);

    [Benchmark(Description = "seed hook, sandboxed worker")]
    public Task<InvocationResult> Sandboxed() => _sandboxTenant!.InvokePassUpdatersAsync(_event, CancellationToken.None);

    [Benchmark(Description = "tenant load from its saved state (no worker starts)")]
    public int LoadFromSavedState()
    {
        using var tenant = _sandbox!.LoadTenant(_directory!);
        return tenant.PassUpdaterCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inProcessTenant?.Dispose();
        _sandboxTenant?.Dispose();
        _inProcess?.Dispose();
        _sandbox?.Dispose();
        _folders?.Dispose();
        Directory.Delete(_cache!, recursive: true);
    }
}
