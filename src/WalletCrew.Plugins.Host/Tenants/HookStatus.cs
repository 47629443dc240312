namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>How a call into a tenant's connectors ended, as the host sees it.</summary>
internal enum HookStatus
{
    /// <summary>Every connector completed.</summary>
    Succeeded,

    /// <summary>A connector threw, or the tenant's connectors do not load.</summary>
    Failed,

    /// <summary>A connector exceeded its wall-time limit.</summary>
    TimedOut,

    /// <summary>The tenant was at its limit of concurrent invocations and nothing ran: not a failure, retry after <see cref="Overload.RetryAfter"/>.</summary>
    Rejected,

    /// <summary>The tenant loads cleanly but registers nothing for this call.</summary>
    NotRegistered,

    /// <summary>No tenant with this id is loaded.</summary>
    UnknownTenant,
}
