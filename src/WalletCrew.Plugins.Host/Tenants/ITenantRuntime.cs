using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>The host's one seam to the engine: the loaded tenants and the calls into their connectors.</summary>
internal interface ITenantRuntime
{
    /// <summary>Returns whether a tenant with this id is loaded.</summary>
    bool Contains(string tenantId);

    /// <summary>Gets where tenant code runs (auto resolved).</summary>
    Engine.IsolationMode Isolation { get; }

    /// <summary>Gets why tenant code runs in-process although the sandbox was asked for, or null.</summary>
    string? IsolationWarning { get; }

    /// <summary>Gets what bounds each sandboxed worker beside the namespaces, and why a layer is missing; null in-process.</summary>
    Engine.SandboxLayers? SandboxLayers { get; }

    /// <summary>Gets how many sandboxed workers run now.</summary>
    int RunningWorkers { get; }

    /// <summary>Invokes the tenant's pass updaters for the event.</summary>
    Task<HookOutcome> DeliverAsync(PassInstallationEvent e, CancellationToken cancellationToken);

    /// <summary>Invokes one of the tenant's customer providers.</summary>
    Task<HookOutcome> FillAsync(string tenantId, string providerName, FillRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the limits the tenant's invocations run under now (its tenant.json's within the host's maxima, else the
    /// host's), or null when the tenant is not loaded (its deliveries then fail without running anything).
    /// </summary>
    InvocationLimits? Limits(string tenantId);

    /// <summary>Returns whether the tenant is loaded and registers an email sender (<c>runtime.scriptable.emailEngine</c>).</summary>
    bool HasEmailSender(string tenantId);

    /// <summary>
    /// Invokes the tenant's email sender. An email must not be dropped: a tenant without a sender (any more) fails, so the
    /// email is retried and ends a dead letter an operator can replay once the sender is back.
    /// </summary>
    Task<HookOutcome> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken);

    /// <summary>Describes every loaded tenant.</summary>
    IReadOnlyList<TenantSnapshot> Describe();

    /// <summary>Returns released connector versions still in memory after their grace period.</summary>
    IReadOnlyList<Engine.ZombieConnector> Zombies();
}
