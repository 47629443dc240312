using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WalletCrew.Plugins.Engine;

/// <summary>Settings of a <see cref="ConnectorEngine"/>.</summary>
public sealed class ConnectorEngineOptions
{
    /// <summary>Gets where tenants' secrets come from.</summary>
    /// <value>The default holds no secret.</value>
    public ISecretSource Secrets { get; init; } = new InMemorySecretSource();

    /// <summary>Gets a value indicating whether connectors may call loopback addresses, 127.0.0.0/8 and ::1 (development and tests only).</summary>
    /// <value>The default is <see langword="false"/>. Private ranges are not opened by it: see <see cref="PrivateNetworks"/>.</value>
    public bool AllowLoopback { get; init; }

    /// <summary>Gets the private networks (RFC 1918, unique-local, CGNAT) connectors may reach, for host names their tenant.json
    /// <c>egress.allow</c> also lists; a private address needs both.</summary>
    /// <value>The default is none: no private address is reachable, whatever a tenant.json says.</value>
    public IReadOnlyList<System.Net.IPNetwork> PrivateNetworks { get; init; } = [];

    /// <summary>Gets the wall-time limit of one invocation.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan InvocationTimeout { get; init; } = EngineDefaults.InvocationTimeout;

    /// <summary>Gets the wall-time limit of a connector's registration when it loads (a script's top-level code, a plugin's <c>Register</c>).</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan LoadTimeout { get; init; } = EngineDefaults.LoadTimeout;

    /// <summary>Gets the outbound calls (<c>fetch</c> and typed clients alike) one invocation may make; the next one fails before it is sent.</summary>
    /// <value>The default is 20.</value>
    public int OutboundCallsPerInvocation { get; init; } = EngineDefaults.OutboundCallsPerInvocation;

    /// <summary>Gets the invocations of one tenant that may run at once; one more is rejected at once (<see cref="InvocationStatus.Rejected"/>).</summary>
    /// <value>The default is 32.</value>
    public int ConcurrentInvocations { get; init; } = EngineDefaults.ConcurrentInvocations;

    /// <summary>Gets the tenant-log entries one invocation keeps; the rest are dropped after a truncation marker.</summary>
    /// <value>The default is 1,000.</value>
    public int LogEntriesPerInvocation { get; init; } = EngineDefaults.MaxLogEntriesPerInvocation;

    /// <summary>Gets the tenant-log bytes (UTF-8) one invocation keeps; the rest are dropped after a truncation marker.</summary>
    /// <value>The default is 16 KiB.</value>
    public int LogBytesPerInvocation { get; init; } = EngineDefaults.LogBytesPerInvocation;

    /// <summary>Gets how far each tenant's <c>tenant.json</c> may raise the limits above.</summary>
    /// <value>The default maxima: 60 s, 100 outbound calls, 256 concurrent invocations, 10,000 log entries, 1 MiB of log, 1 MiB request and 10 MiB response bodies.</value>
    public LimitMaxima LimitMaxima { get; init; } = new();

    /// <summary>Gets the logger factory the tenant logs are also written to, by the category <c>Tenant.{id}</c>.</summary>
    /// <value>The default discards them.</value>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Gets the clock.</summary>
    /// <value>The default is the system clock.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets a value indicating whether loaded tenants watch their folders and put saved connectors live.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool HotReload { get; init; }

    /// <summary>Gets the quiet period after a file change before the tenant reloads.</summary>
    /// <value>The default is 250 ms.</value>
    public TimeSpan ReloadDebounce { get; init; } = EngineDefaults.ReloadDebounce;

    /// <summary>Gets how often tenant folders are also polled for changes, for file systems without change events.</summary>
    /// <value>The default is <see langword="null"/>: events only (polling starts by itself if the watcher fails).</value>
    public TimeSpan? ReloadPollingInterval { get; init; }

    /// <summary>Gets the folder of the compile cache: compiled scripts are kept there and loaded on later starts without the compiler.</summary>
    /// <value>The default is <see langword="null"/>: no disk cache.</value>
    public string? CompileCacheDirectory { get; init; }

    /// <summary>Gets the limit of compiling and checking one script, in the compiler's processor time (and, in wall time, <c>EngineDefaults.CompileWallTimeFactor</c>
    /// times it); past it the compiler process is killed and the script fails with <c>WCP0504</c>.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan CompileTimeout { get; init; } = EngineDefaults.CompileTimeout;

    /// <summary>Gets the GC heap limit of a compiler process, in bytes; a script whose compile needs more fails with <c>WCP0505</c>.</summary>
    /// <value>The default is 1 GiB.</value>
    public long CompileMemoryLimitBytes { get; init; } = EngineDefaults.CompileMemoryLimitBytes;

    /// <summary>
    /// Gets whether a compiler process compiles a small script of its own before it takes the first real one, so that the
    /// <see cref="CompileTimeout"/> bound starts with a loaded compiler (a busy machine's slow start is not taken for a compile bomb).
    /// A one-shot command that compiles one tenant and exits (<c>wcp check</c>) turns it off: the warm-up would cost it a second
    /// compile, and its first compile's bound then includes the compiler's start. The compiled result is the same either way.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    internal bool CompilerWarmUp { get; init; } = true;

    /// <summary>Gets where tenant code runs: in a sandboxed worker process per tenant, or in this process.</summary>
    /// <value>The default is <see cref="IsolationMode.InProcess"/> for the library; the host and the <c>wcp</c> command default to <see cref="IsolationMode.Auto"/>.</value>
    public IsolationMode Isolation { get; init; } = IsolationMode.InProcess;

    /// <summary>Gets the settings of the sandboxed workers (used when <see cref="Isolation"/> is not <see cref="IsolationMode.InProcess"/>).</summary>
    /// <value>The defaults: 64 workers, 5 minutes idle, a 256 MiB heap each, killed 2 s past a deadline.</value>
    public SandboxOptions Sandbox { get; init; } = new();

    /// <summary>Gets the API policy scripts are checked against; <see langword="null"/> for the built-in one (tests widen it for negative controls).</summary>
    internal Policy.ApiPolicy? Policy { get; init; }

    /// <summary>Gets extra assemblies scripts compile against (tests: a host type with a static event).</summary>
    internal IReadOnlyList<string> AdditionalReferences { get; init; } = [];

    /// <summary>Gets a value indicating whether scripts get execution checkpoints (tests turn them off for negative controls).</summary>
    internal bool Checkpoints { get; init; } = true;

    /// <summary>Gets the compile cache's build key to use instead of this process's own (a worker uses its host's, so it finds the images the host compiled).</summary>
    internal string? CompileCacheBuildKey { get; init; }

    /// <summary>Gets a value indicating whether a script missing from the compile cache is compiled; a worker never compiles.</summary>
    internal bool CompileOnCacheMiss { get; init; } = true;

    /// <summary>Gets the handler that sends connectors' HTTP requests; tests may replace it.</summary>
    internal HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Gets what wraps each of the engine's own guarded handlers (the testing package records and answers requests there);
    /// ignored when <see cref="HttpHandler"/> is set.</summary>
    internal Func<HttpMessageHandler, HttpMessageHandler>? HttpHandlerWrapper { get; init; }

    /// <summary>Gets a value indicating whether an <see cref="OutOfMemoryException"/> from tenant code leaves the invoker (a sandboxed worker, whose heap is capped, ends itself on it) instead of becoming a Failed result.</summary>
    internal bool OutOfMemoryEndsTheProcess { get; init; }
}
