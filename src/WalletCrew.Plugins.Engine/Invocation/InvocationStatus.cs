namespace WalletCrew.Plugins.Engine;

/// <summary>How an invocation of tenant code ended.</summary>
public enum InvocationStatus
{
    /// <summary>Every invoked connector completed.</summary>
    Succeeded,

    /// <summary>A connector threw.</summary>
    Failed,

    /// <summary>A connector exceeded the wall-time limit.</summary>
    TimedOut,

    /// <summary>No connector is registered for the call.</summary>
    NotFound,

    /// <summary>The tenant already had as many invocations running as its limit allows (<c>ConcurrentInvocations</c>); nothing ran. Retry later.</summary>
    Rejected,
}
