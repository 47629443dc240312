using BenchmarkDotNet.Attributes;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>
/// The seed example (<c>plugins-sample/tenants/acme-crm</c>): <c>getSecret</c> then a form-encoded <c>fetch</c>, answered in
/// memory by the engine's <see cref="FetchClient"/> in every row. Direct C# is the baseline; the engine and Jint run the same logic.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class HookInvocationSeed
{
    private const string TenantId = "acme-crm";

    private readonly InMemoryPartnerHandler _handler = new();
    private readonly PassInstallationEvent _event = BenchmarkEvents.Installed(TenantId);
    private TenantFolders? _folders;
    private ConnectorEngine? _engine;
    private TenantConnectors? _tenant;
    private FetchClient? _fetch;
    private DirectSeedConnector? _direct;
    private JintConnector? _jint;

    [GlobalSetup]
    public void Setup()
    {
        var secrets = new InMemorySecretSource().Set(TenantId, BenchmarkEvents.SecretName, BenchmarkEvents.SecretValue);
        _folders = new TenantFolders();
        _engine = new ConnectorEngine(new ConnectorEngineOptions { Secrets = secrets, AllowLoopback = true, HttpHandler = _handler });
        _tenant = _engine.LoadTenant(_folders.CopySample("acme-crm", TenantId));
        _fetch = new FetchClient(new FetchClientOptions { AllowLoopback = true, Handler = _handler });
        _direct = new DirectSeedConnector(TenantId, _fetch, secrets);
        _jint = new JintConnector("seed-example.js", TenantId, _fetch, secrets);
        SameRequestCheck.Run(_handler, _tenant, _event,
            ("direct", () => Direct()),
            ("engine", () => Engine()),
            ("Jint", () => { Jint(); return Task.CompletedTask; }));
    }

    [Benchmark(Baseline = true, Description = "direct C# call")]
    public Task Direct() =>
        _direct!.OnPassInstalled(_event.PassId, _event.PassType, _event.Identifiers, DeviceNames.ToWire(_event.Device), _event.AdditionalInformation);

    [Benchmark(Description = "engine (.csx)")]
    public Task<InvocationResult> Engine() => _tenant!.InvokePassUpdatersAsync(_event, CancellationToken.None);

    [Benchmark(Description = "Jint (seed .js)")]
    public void Jint() => _jint!.OnPassInstalled(_event);

    [GlobalCleanup]
    public void Cleanup()
    {
        _tenant?.Dispose();
        _engine?.Dispose();
        _fetch?.Dispose();
        _folders?.Dispose();
    }
}
