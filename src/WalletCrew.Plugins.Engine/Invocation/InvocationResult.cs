using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine;

/// <summary>The outcome of invoking tenant code: never an exception for the tenant's own mistakes.</summary>
public sealed class InvocationResult
{
    internal InvocationResult(InvocationStatus status, IReadOnlyList<TenantLogEntry> log, string? error, JsonObject? data)
    {
        Status = status;
        Log = log;
        Error = error;
        Data = data;
    }

    /// <summary>Gets how the invocation ended.</summary>
    public InvocationStatus Status { get; }

    /// <summary>Gets what the connectors wrote to the tenant log during the invocation.</summary>
    public IReadOnlyList<TenantLogEntry> Log { get; }

    /// <summary>Gets the error, naming the connector's <c>file.csx:line</c> when known; <see langword="null"/> on success.</summary>
    public string? Error { get; }

    /// <summary>Gets the data a customer provider returned; <see langword="null"/> for hooks.</summary>
    public JsonObject? Data { get; }

    /// <summary>Gets the wait a partner asked for (<c>Retry-After</c> on a 429 or 503 answer that failed the hook), if any; the longest when several hooks failed.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>Gets a value indicating whether the invocation succeeded.</summary>
    public bool Succeeded => Status == InvocationStatus.Succeeded;
}
