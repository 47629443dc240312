using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Loading;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Plugins;
using WalletCrew.Plugins.Engine.Reload;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine;

/// <summary>Compiles, checks, loads and binds tenants' connectors; the one entry point of the engine.</summary>
public sealed class ConnectorEngine : IDisposable
{

    private readonly ConnectorEngineOptions _options;
    private readonly FetchClient _fetch;
    private readonly CachedScriptCompiler _compiler;
    private readonly ZombieTracker _zombies = new();
    private readonly TenantFetchClients _tenantClients;
    private readonly CompileCache? _cache;
    private readonly WorkerPool? _workers;
    private readonly string? _privateImages;

    /// <summary>Initializes an engine.</summary>
    /// <param name="options">The engine's settings; the defaults when <see langword="null"/>.</param>
    public ConnectorEngine(ConnectorEngineOptions? options = null)
    {
        _options = options ?? new ConnectorEngineOptions();
        _fetch = new FetchClient(new FetchClientOptions { AllowLoopback = _options.AllowLoopback, Handler = _options.HttpHandler, Wrapper = _options.HttpHandlerWrapper });
        _tenantClients = new TenantFetchClients(_options);
        (Isolation, IsolationWarning) = ResolveIsolation(_options);
        var directory = _options.CompileCacheDirectory;
        if (directory is null && Isolation == IsolationMode.Sandbox)
        {
            // Workers load the images the host compiled: without a configured cache they go to a private folder of this engine.
            directory = _privateImages = Sandbox.TempFolders.Create("wcp-images-");
            Sandbox.WorkerUser.Share(directory);
        }

        _cache = directory is null ? null : new CompileCache(Path.GetFullPath(directory), _options.AdditionalReferences, _options.Checkpoints, _options.CompileCacheBuildKey);
        _compiler = new CachedScriptCompiler(CompileFunction(), _cache, _options.CompileOnCacheMiss);
        if (Isolation == IsolationMode.Sandbox)
        {
            _workers = new WorkerPool(_options.Sandbox, _options.TimeProvider, _options.LoggerFactory.CreateLogger("WalletCrew.Plugins.Engine.Sandbox"));
        }
        else if (IsolationWarning is not null)
        {
            _options.LoggerFactory.CreateLogger("WalletCrew.Plugins.Engine.Sandbox").LogWarning("{Warning}", IsolationWarning);
        }
    }

    /// <summary>Gets where tenant code runs: <see cref="IsolationMode.Sandbox"/> or <see cref="IsolationMode.InProcess"/>, <see cref="IsolationMode.Auto"/> resolved.</summary>
    public IsolationMode Isolation { get; }

    /// <summary>Gets why tenant code runs in-process although <see cref="IsolationMode.Auto"/> asked for the sandbox, or <see langword="null"/>.</summary>
    public string? IsolationWarning { get; }

    /// <summary>Gets the sandboxed workers' pool, or <see langword="null"/> in-process (tests and the benchmarks).</summary>
    internal WorkerPool? Workers => _workers;

    /// <summary>Gets what bounds each sandboxed worker beside bubblewrap's namespaces, and why a layer is missing; <see langword="null"/> in-process.</summary>
    public SandboxLayers? SandboxLayers => _workers?.Layers;

    /// <summary>Gets how many sandboxed workers are running now.</summary>
    public int RunningWorkers => _workers?.Running ?? 0;

    /// <summary>Compiles and loads every connector of one tenant folder; problems come back as diagnostics, never as exceptions.</summary>
    /// <param name="tenantDirectory">The tenant's folder, named by its id.</param>
    /// <returns>The tenant's live connectors with their diagnostics; they watch the folder when <see cref="ConnectorEngineOptions.HotReload"/> is set.</returns>
    public TenantConnectors LoadTenant(string tenantDirectory) => LoadTenant(tenantDirectory, _options.HotReload);

    /// <summary>Compiles and loads every connector of one tenant folder; problems come back as diagnostics, never as exceptions.</summary>
    /// <param name="tenantDirectory">The tenant's folder, named by its id.</param>
    /// <param name="watch">Whether the connectors follow saves to the folder (hot reload); a folder nobody edits needs no watcher.</param>
    /// <returns>The tenant's live connectors with their diagnostics.</returns>
    public TenantConnectors LoadTenant(string tenantDirectory, bool watch)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantDirectory);
        var directory = Path.GetFullPath(tenantDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var tenantId = Path.GetFileName(directory);
        if (!TenantIds.IsValid(tenantId) || !Directory.Exists(directory))
        {
            var message = Directory.Exists(directory) ? TenantIds.Explain(tenantId) : $"Tenant folder '{directory}' does not exist.";
            var diagnostic = new ConnectorDiagnostic(directory, 0, 0, ConnectorDiagnosticSeverity.Error, LoadCodes.InvalidTenant, message);
            return new TenantConnectors(tenantId, directory, new InProcessTenant(tenantId, directory, null, new ConnectorInvoker(_options)), [diagnostic]);
        }

        var settings = new TenantSettingsSource(tenantId, directory, _options, _tenantClients);
        if (_workers is not null)
        {
            var sandboxed = new TenantConnectors(tenantId, directory, new SandboxedTenant(tenantId, directory, _cache!, _compiler, settings, _workers, _options), []);
            if (watch)
            {
                sandboxed.Watch(_options);
            }

            return sandboxed;
        }

        var builder = new TenantBuilder(
            tenantId, directory, _compiler, new ScriptConnectorLoader(_fetch, _options, settings), new PluginConnectorLoader(_fetch, _options, settings), _zombies, _options.TimeProvider, settings);
        var tenant = new TenantConnectors(tenantId, directory, new InProcessTenant(tenantId, directory, builder, new ConnectorInvoker(_options, () => settings.Limits, settings.SecretsRead)), []);
        if (watch)
        {
            tenant.Watch(_options);
        }

        return tenant;
    }

    /// <summary>
    /// Returns the released connector versions whose code is still in memory although full collections ran since their
    /// release and the grace period is over: a connector holds itself alive (a timer, an event handler on something long-lived).
    /// </summary>
    /// <remarks>Never collects: a version the runtime has had no full collection to free yet is not a zombie, only not collected.</remarks>
    /// <param name="gracePeriod">How long after its release a version counts as a zombie; 30 seconds when <see langword="null"/>.</param>
    /// <returns>The zombies.</returns>
    public IReadOnlyList<ZombieConnector> GetZombies(TimeSpan? gracePeriod = null) =>
        _zombies.Alive(_options.TimeProvider.GetUtcNow() - (gracePeriod ?? EngineDefaults.ZombieGracePeriod), GC.CollectionCount(GC.MaxGeneration));

    /// <summary>Gets how many scripts were compiled and how many came from the compile cache.</summary>
    public CompileStatistics CompileStatistics => _compiler.Statistics;

    /// <inheritdoc />
    public void Dispose()
    {
        _workers?.Dispose();
        _tenantClients.Dispose();
        _fetch.Dispose();
        if (_privateImages is not null)
        {
            try
            {
                Sandbox.WorkerUser.Forget(_privateImages);
                Directory.Delete(_privateImages, recursive: true);
            }
            catch (IOException)
            {
                // A worker still reading: the temp folder is left to the system.
            }
        }
    }

    private static (IsolationMode Mode, string? Warning) ResolveIsolation(ConnectorEngineOptions options)
    {
        if (options.Isolation == IsolationMode.InProcess)
        {
            return (IsolationMode.InProcess, null);
        }

        var problem = SandboxProbe.Problem(options.Sandbox.BubblewrapPath);
        if (problem is null)
        {
            var program = WorkerLauncher.ProgramPath(options.Sandbox);
            problem = File.Exists(program) ? null : SandboxMessages.WorkerMissing(program);
        }

        return problem switch
        {
            null => (IsolationMode.Sandbox, null),
            _ when options.Isolation == IsolationMode.Sandbox => throw new InvalidOperationException(problem),
            _ => (IsolationMode.InProcess, SandboxMessages.FellBack(problem)),
        };
    }

    /// <summary>Returns how scripts are compiled: in bounded compiler processes (the worker program's compile mode) when the
    /// program is here, else in this process, where only the compiler's own cancellation checks bound the time.</summary>
    private Func<ScriptSource, CompiledScript> CompileFunction()
    {
        var program = WorkerLauncher.ProgramPath(_options.Sandbox);
        if (_options.Policy is null && File.Exists(program))
        {
            var bounded = new BoundedCompiler(program, _options.CompileTimeout, _options.CompileMemoryLimitBytes, _options.AdditionalReferences, _options.Checkpoints, _options.CompilerWarmUp);
            return bounded.Compile;
        }

        if (_options.Policy is null && _options.CompileOnCacheMiss)
        {
            _options.LoggerFactory.CreateLogger("WalletCrew.Plugins.Engine.Compilation").LogWarning("{Warning}", CompileMessages.CompilerProgramMissing(program));
        }

        var compiler = new Lazy<ScriptCompiler>(CreateCompiler);
        return source => CompileInProcess(compiler.Value, source, _options.CompileTimeout);
    }

    private static CompiledScript CompileInProcess(ScriptCompiler compiler, ScriptSource source, TimeSpan timeout)
    {
        // Only the wall-time backstop: this thread's processor time is not read here.
        using var bound = new CancellationTokenSource(timeout * EngineDefaults.CompileWallTimeFactor);
        try
        {
            return compiler.Compile(source, bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return new CompiledScript(source, SourceMap.Identity(source.Text), null,
                [new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, Limits.LimitCodes.CompileTimedOut, Limits.LimitMessages.CompileTimedOut(timeout))])
            {
                Cacheable = false,
            };
        }
    }

    // Kept apart so the compiler's types load only when a script is really compiled.
    private ScriptCompiler CreateCompiler() => new(_options.AdditionalReferences, _options.Policy ?? Policy.ApiPolicy.Default, _options.Checkpoints);
}
