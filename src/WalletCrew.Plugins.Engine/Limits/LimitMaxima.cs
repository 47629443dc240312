namespace WalletCrew.Plugins.Engine;

/// <summary>How far a tenant's <c>tenant.json</c> may raise each limit; an override above its maximum is reported and the maximum applies.</summary>
public sealed class LimitMaxima
{
    /// <summary>Gets the longest wall time of one invocation a tenant may ask for.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan InvocationTimeout { get; init; } = EngineDefaults.Maxima.InvocationTimeout;

    /// <summary>Gets the most outbound calls per invocation a tenant may ask for.</summary>
    /// <value>The default is 100.</value>
    public int OutboundCallsPerInvocation { get; init; } = EngineDefaults.Maxima.OutboundCallsPerInvocation;

    /// <summary>Gets the most concurrent invocations a tenant may ask for.</summary>
    /// <value>The default is 256.</value>
    public int ConcurrentInvocations { get; init; } = EngineDefaults.Maxima.ConcurrentInvocations;

    /// <summary>Gets the most tenant-log entries per invocation a tenant may ask for.</summary>
    /// <value>The default is 10,000.</value>
    public int LogEntriesPerInvocation { get; init; } = EngineDefaults.Maxima.LogEntriesPerInvocation;

    /// <summary>Gets the most tenant-log bytes per invocation a tenant may ask for.</summary>
    /// <value>The default is 1 MiB.</value>
    public int LogBytesPerInvocation { get; init; } = EngineDefaults.Maxima.LogBytesPerInvocation;

    /// <summary>Gets the largest fetch request body a tenant may ask for.</summary>
    /// <value>The default is 1 MiB.</value>
    public int RequestBodyBytes { get; init; } = EngineDefaults.Maxima.RequestBodyBytes;

    /// <summary>Gets the largest fetch response body a tenant may ask for.</summary>
    /// <value>The default is 10 MiB.</value>
    public int ResponseBodyBytes { get; init; } = EngineDefaults.Maxima.ResponseBodyBytes;

    /// <summary>Gets the largest GC heap, in MiB, a tenant may ask for its sandboxed worker (<c>limits.workerHeapMiB</c>).</summary>
    /// <value>The default is 1,024 MiB.</value>
    public int WorkerHeapMiB { get; init; } = EngineDefaults.Maxima.WorkerHeapMiB;
}
