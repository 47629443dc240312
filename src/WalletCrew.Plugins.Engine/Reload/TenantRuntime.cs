namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Where one tenant's connectors live and run: in this process (<see cref="InProcessTenant"/>) or in a sandboxed worker
/// (<see cref="Sandbox.SandboxedTenant"/>). <see cref="TenantConnectors"/> is the public face of either.
/// </summary>
internal abstract class TenantRuntime : IDisposable
{
    public abstract long Generation { get; }

    public abstract IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    public abstract IReadOnlyList<TenantLogEntry> LoadLog { get; }

    public abstract IReadOnlyList<ConnectorInfo> Connectors { get; }

    public abstract int PassUpdaterCount { get; }

    public abstract IReadOnlyCollection<string> CustomerProviders { get; }

    public abstract bool HasEmailSender { get; }

    /// <summary>Gets the limits the tenant's invocations run under now: its tenant.json's within the host's maxima, else the host's.</summary>
    public abstract Limits.InvocationLimits Limits { get; }

    /// <summary>Gets weak handles on the live versions' load contexts in this process (tests prove unloads with them).</summary>
    public virtual IReadOnlyList<WeakReference> LoadContexts => [];

    public abstract Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken);

    public abstract Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken);

    public abstract Task<InvocationResult> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken);

    /// <summary>Rescans the tenant's files; returns whether a new generation went live.</summary>
    public abstract Task<bool> ReloadAsync(CancellationToken cancellationToken);

    public abstract void Dispose();
}
