using System.ComponentModel.DataAnnotations;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>Engine settings the host exposes: section <c>WalletCrew:Engine</c>.</summary>
internal sealed class EngineSettings : IValidatableObject
{
    public const string Section = "WalletCrew:Engine";

    /// <summary>Gets or sets the wall-time limit of one hook or Fill invocation.</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan InvocationTimeout { get; set; } = new ConnectorEngineOptions().InvocationTimeout;

    /// <summary>Gets or sets the wall-time limit of a connector's registration when it loads (a script's top-level code, a plugin's <c>Register</c>).</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan LoadTimeout { get; set; } = new ConnectorEngineOptions().LoadTimeout;

    /// <summary>Gets or sets how many outbound calls (<c>fetch</c>, typed clients) one invocation may make, for tenants whose
    /// tenant.json sets no <c>limits.outboundCallsPerInvocation</c>.</summary>
    /// <value>The default is 20.</value>
    [Range(1, EngineDefaults.Maxima.OutboundCallsPerInvocation)]
    public int OutboundCallsPerInvocation { get; set; } = new ConnectorEngineOptions().OutboundCallsPerInvocation;

    /// <summary>Gets or sets how many invocations of one tenant may run at once, for tenants whose tenant.json sets no
    /// <c>limits.concurrentInvocations</c>.</summary>
    /// <value>The default is 32.</value>
    [Range(1, EngineDefaults.Maxima.ConcurrentInvocations)]
    public int ConcurrentInvocations { get; set; } = new ConnectorEngineOptions().ConcurrentInvocations;

    /// <summary>Gets or sets how many tenant-log entries one invocation keeps, for tenants whose tenant.json sets no
    /// <c>limits.logEntriesPerInvocation</c>.</summary>
    /// <value>The default is 1,000.</value>
    [Range(1, EngineDefaults.Maxima.LogEntriesPerInvocation)]
    public int LogEntriesPerInvocation { get; set; } = new ConnectorEngineOptions().LogEntriesPerInvocation;

    /// <summary>Gets or sets how many bytes (UTF-8) of tenant log one invocation keeps, for tenants whose tenant.json sets no
    /// <c>limits.logBytesPerInvocation</c>.</summary>
    /// <value>The default is 16,384.</value>
    [Range(1, EngineDefaults.Maxima.LogBytesPerInvocation)]
    public int LogBytesPerInvocation { get; set; } = new ConnectorEngineOptions().LogBytesPerInvocation;

    /// <summary>Gets or sets the wall-time limit of compiling and checking one script; past it the compiler process is killed (WCP0504).</summary>
    /// <value>The default is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CompileTimeout { get; set; } = new ConnectorEngineOptions().CompileTimeout;

    /// <summary>Gets or sets the GC heap limit of a compiler process, in MiB; a script whose compile needs more fails (WCP0505).</summary>
    /// <value>The default is 1,024.</value>
    [Range(128, 16_384)]
    public int CompileMemoryLimitMiB { get; set; } = (int)(new ConnectorEngineOptions().CompileMemoryLimitBytes / (1024 * 1024));

    /// <summary>Gets or sets a value indicating whether connectors may call loopback addresses, 127.0.0.0/8 and ::1 (development and tests).</summary>
    /// <value>The default is <see langword="false"/>; <c>--allow-loopback</c> also sets it. It never opens private ranges.</value>
    public bool AllowLoopback { get; set; }

    /// <summary>Gets or sets the private networks (CIDR, such as <c>10.20.0.0/16</c>) connectors may reach, for the host names
    /// their tenant.json <c>egress.allow</c> lists; a private address needs both.</summary>
    /// <value>The default is none: no private address is reachable.</value>
    public List<string> PrivateNetworks { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether saved tenant files are reloaded while the host runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HotReload { get; set; } = true;

    /// <summary>Gets or sets the compile cache folder, so a restart loads connectors without the compiler; <c>off</c> disables it.</summary>
    /// <value>The default is <c>$WCP_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/wcp</c>, else <c>~/.cache/wcp</c>: the folder <c>wcp check</c> fills.</value>
    public string? CompileCacheDirectory { get; set; }

    /// <summary>Gets or sets where tenant code runs: <c>auto</c> (the sandbox when bubblewrap works here, else in-process with a warning), <c>sandbox</c> or <c>in-process</c>.</summary>
    /// <value>The default is <c>auto</c>; <c>wcp serve --isolation</c> also sets it.</value>
    [RegularExpression("^(?i:auto|sandbox|in-process)$", ErrorMessage = "WalletCrew:Engine:Isolation must be auto, sandbox or in-process.")]
    public string Isolation { get; set; } = IsolationModes.Name(IsolationModes.Default);

    /// <summary>Gets or sets how many sandboxed workers may run at once before the least recently used idle one is stopped.</summary>
    /// <value>The default is 64.</value>
    [Range(1, 10_000)]
    public int MaxWorkers { get; set; } = new SandboxOptions().MaxWorkers;

    /// <summary>Gets or sets how many spare sandboxed workers are kept started for the next tenant whose worker starts (0: none).</summary>
    /// <value>The default is 1.</value>
    [Range(0, 64)]
    public int SpareWorkers { get; set; } = new SandboxOptions().SpareWorkers;

    /// <summary>Gets or sets how long a sandboxed worker with nothing to do stays warm.</summary>
    /// <value>The default is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WorkerIdleTimeout { get; set; } = new SandboxOptions().WorkerIdleTimeout;

    /// <summary>Gets or sets the GC heap hard limit of each sandboxed worker, in MiB.</summary>
    /// <value>The default is 256.</value>
    [Range(32, 16_384)]
    public int WorkerHeapLimitMiB { get; set; } = (int)(new SandboxOptions().WorkerHeapLimitBytes / (1024 * 1024));

    /// <summary>Gets or sets the memory all sandboxed workers together may hold, in MiB (0: no such bound).</summary>
    /// <value>The default is three quarters of the memory the host's process may use.</value>
    [Range(0, 16 * 1024 * 1024)]
    public int WorkersMemoryLimitMiB { get; set; } = (int)(new SandboxOptions().WorkersMemoryLimitBytes / (1024 * 1024));

    /// <summary>Gets or sets how long past its deadline an invocation may go on before the host kills its worker.</summary>
    /// <value>The default is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan WorkerKillGrace { get; set; } = new SandboxOptions().KillGrace;

    /// <summary>Gets or sets how many cores each sandboxed worker's threads may use together (0: no cap).</summary>
    /// <value>The default is a quarter of the machine's cores, at least 0.5.</value>
    [Range(0.0, 1024.0)]
    public double WorkerCpuCores { get; set; } = new SandboxOptions().WorkerCpuCores;

    /// <summary>Gets or sets the cgroup folder the sandboxed workers' groups (CPU cap, memory bound, thread and process limit) are
    /// made in (a cgroup v2 group delegated to the host with the cpu, memory and pids controllers).</summary>
    /// <value>The default is none: the host's own group in each cgroup v1 hierarchy when it may write it, else none, with a warning.</value>
    public string? WorkerCgroup { get; set; }

    /// <summary>Returns the isolation mode configured.</summary>
    public IsolationMode EffectiveIsolation() => IsolationModes.TryParse(Isolation, out var mode) ? mode : IsolationModes.Default;

    /// <summary>Returns the sandbox settings configured.</summary>
    public SandboxOptions SandboxOptions() => new()
    {
        MaxWorkers = MaxWorkers,
        SpareWorkers = SpareWorkers,
        WorkerIdleTimeout = WorkerIdleTimeout,
        WorkerHeapLimitBytes = WorkerHeapLimitMiB * 1024L * 1024,
        WorkersMemoryLimitBytes = WorkersMemoryLimitMiB * 1024L * 1024,
        KillGrace = WorkerKillGrace,
        WorkerCpuCores = WorkerCpuCores,
        CgroupDirectory = WorkerCgroup,
    };

    /// <summary>Returns <see cref="PrivateNetworks"/> parsed; call after validation.</summary>
    public IReadOnlyList<System.Net.IPNetwork> ParsedPrivateNetworks() => [.. PrivateNetworks.Select(n => System.Net.IPNetwork.Parse(n.Trim()))];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < PrivateNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(PrivateNetworks[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"{Section}:PrivateNetworks:{i} is '{PrivateNetworks[i]}', not a network in CIDR form such as 10.20.0.0/16 or fd12:3456::/48.",
                    [nameof(PrivateNetworks)]);
            }
        }
    }

    /// <summary>Returns the cache folder to use, or null when disabled.</summary>
    public string? EffectiveCompileCacheDirectory() => Engine.Compilation.CompileCache.DirectoryFor(CompileCacheDirectory);
}
