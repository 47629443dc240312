namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The limits in force for one tenant's invocations: the host's settings, with the tenant's tenant.json overrides capped by the host maxima.</summary>
internal sealed record InvocationLimits
{
    /// <summary>Gets the wall time of one invocation (also of a connector's top-level code).</summary>
    public required TimeSpan InvocationTimeout { get; init; }

    /// <summary>Gets the outbound calls (fetch) one invocation may make.</summary>
    public required int OutboundCallsPerInvocation { get; init; }

    /// <summary>Gets the invocations of one tenant that may run at once; more are rejected.</summary>
    public required int ConcurrentInvocations { get; init; }

    /// <summary>Gets the tenant-log entries one invocation keeps.</summary>
    public required int LogEntriesPerInvocation { get; init; }

    /// <summary>Gets the tenant-log bytes (UTF-8) one invocation keeps.</summary>
    public required int LogBytesPerInvocation { get; init; }

    /// <summary>Gets the largest request body fetch sends.</summary>
    public required int MaxRequestBodyBytes { get; init; }

    /// <summary>Gets the most response body fetch reads.</summary>
    public required int MaxResponseBodyBytes { get; init; }

    /// <summary>Gets the GC heap hard limit of the tenant's sandboxed worker.</summary>
    public long WorkerHeapBytes { get; init; } = EngineDefaults.WorkerHeapLimitBytes;

    /// <summary>Returns the host's own limits, before any tenant override.</summary>
    public static InvocationLimits From(ConnectorEngineOptions options) => new()
    {
        InvocationTimeout = options.InvocationTimeout,
        OutboundCallsPerInvocation = options.OutboundCallsPerInvocation,
        ConcurrentInvocations = options.ConcurrentInvocations,
        LogEntriesPerInvocation = options.LogEntriesPerInvocation,
        LogBytesPerInvocation = options.LogBytesPerInvocation,
        MaxRequestBodyBytes = EngineDefaults.RequestBodyLimitBytes,
        MaxResponseBodyBytes = EngineDefaults.ResponseBodyLimitBytes,
        WorkerHeapBytes = options.Sandbox.WorkerHeapLimitBytes,
    };
}
