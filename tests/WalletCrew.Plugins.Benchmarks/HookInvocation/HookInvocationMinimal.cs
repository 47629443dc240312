using BenchmarkDotNet.Attributes;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>
/// The minimal (logging) example (<c>plugins-sample/tenants/minimal</c>): one <c>console.log</c>, no <c>fetch</c>, so the
/// difference to the direct call is the engine's own per-call work.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class HookInvocationMinimal
{
    private const string TenantId = "minimal";

    private readonly PassInstallationEvent _event = BenchmarkEvents.Installed(TenantId);
    private readonly DirectMinimalConnector _direct = new();
    private TenantFolders? _folders;
    private ConnectorEngine? _engine;
    private TenantConnectors? _tenant;
    private JintConnector? _jint;

    [GlobalSetup]
    public void Setup()
    {
        _folders = new TenantFolders();
        _engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true, HttpHandler = new InMemoryPartnerHandler() });
        _tenant = _engine.LoadTenant(_folders.CopySample("minimal", TenantId));
        _jint = new JintConnector("minimal-example.js", TenantId, null!, new InMemorySecretSource());

        var result = Engine().GetAwaiter().GetResult();
        Direct().GetAwaiter().GetResult();
        Jint();
        var logs = new[] { result.Log.Single().Message, _direct.Log.Single(), _jint.Log.Single() };
        if (!result.Succeeded || logs.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"The rows disagree: engine {result.Status} {result.Error}; logs: {string.Join(" / ", logs)}");
        }
    }

    [Benchmark(Baseline = true, Description = "direct C# call")]
    public Task Direct() => _direct.OnPassInstalled(_event.PassId, _event.PassType, _event.Identifiers, DeviceNames.ToWire(_event.Device));

    [Benchmark(Description = "engine (.csx)")]
    public Task<InvocationResult> Engine() => _tenant!.InvokePassUpdatersAsync(_event, CancellationToken.None);

    [Benchmark(Description = "Jint (minimal .js)")]
    public void Jint() => _jint!.OnPassInstalled(_event);

    [GlobalCleanup]
    public void Cleanup()
    {
        _tenant?.Dispose();
        _engine?.Dispose();
        _folders?.Dispose();
    }
}
