using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>A real engine over a throwaway tenant folder, with loopback allowed for the partner stub.</summary>
internal sealed class EngineHarness : IDisposable
{
    public EngineHarness(
        string tenantId = "test-tenant",
        TimeSpan? invocationTimeout = null,
        Action<AllowListBuilder>? widenPolicy = null,
        IReadOnlyList<string>? references = null,
        HttpMessageHandler? httpHandler = null,
        bool checkpoints = true,
        TimeSpan? loadTimeout = null,
        IsolationMode isolation = IsolationMode.InProcess,
        SandboxOptions? sandbox = null,
        string? compileCache = null,
        bool allowLoopback = true,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        Folder = new TenantFolder(tenantId);
        Secrets = new InMemorySecretSource();
        Engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            AllowLoopback = allowLoopback,
            Secrets = Secrets,
            InvocationTimeout = invocationTimeout ?? TimeSpan.FromSeconds(10),
            Policy = widenPolicy is null ? null : ApiPolicy.Create(widenPolicy),
            AdditionalReferences = references ?? [],
            HttpHandler = httpHandler,
            Checkpoints = checkpoints,
            LoadTimeout = loadTimeout ?? TimeSpan.FromSeconds(10),
            Isolation = isolation,
            Sandbox = sandbox ?? new SandboxOptions(),
            CompileCacheDirectory = compileCache,
            LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        });
    }

    public TenantFolder Folder { get; }

    public InMemorySecretSource Secrets { get; }

    public ConnectorEngine Engine { get; }

    /// <summary>Writes one script and loads the tenant.</summary>
    public TenantConnectors Load(string source, string name = "connector.csx")
    {
        Folder.WriteScript(name, source);
        return Engine.LoadTenant(Folder.Directory);
    }

    public TenantConnectors Load() => Engine.LoadTenant(Folder.Directory);

    public void Dispose()
    {
        Engine.Dispose();
        Folder.Dispose();
    }
}
