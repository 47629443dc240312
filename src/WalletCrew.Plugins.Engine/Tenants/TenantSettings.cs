namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>What a tenant's <c>tenant.json</c> asks for, as read: each override is <see langword="null"/> when absent or invalid.</summary>
internal sealed record TenantSettings
{
    public static TenantSettings None { get; } = new();

    public TimeSpan? InvocationTimeout { get; init; }

    public long? OutboundCallsPerInvocation { get; init; }

    public long? ConcurrentInvocations { get; init; }

    public long? LogEntriesPerInvocation { get; init; }

    public long? LogBytesPerInvocation { get; init; }

    public long? RequestBodyBytes { get; init; }

    public long? ResponseBodyBytes { get; init; }

    /// <summary>Gets the GC heap limit of the tenant's sandboxed worker, in MiB.</summary>
    public long? WorkerHeapMiB { get; init; }

    /// <summary>Gets the host names (or <c>*.suffix</c> patterns) whose private addresses the tenant may reach.</summary>
    public IReadOnlyList<string> EgressAllow { get; init; } = [];

    /// <summary>Gets the problems found in the file, with their positions.</summary>
    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; init; } = [];
}
