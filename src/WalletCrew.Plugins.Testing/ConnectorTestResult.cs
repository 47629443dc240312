using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Testing;

/// <summary>What one invocation of a tenant's connectors did: how it ended, what it logged and what it sent.</summary>
public sealed class ConnectorTestResult
{
    internal ConnectorTestResult(InvocationResult result, IReadOnlyList<SentRequest> requests)
    {
        Status = result.Status;
        Error = result.Error;
        Log = [.. result.Log.Select(entry => entry.ToString())];
        Data = result.Data;
        Requests = requests;
    }

    /// <summary>Gets how the invocation ended.</summary>
    public InvocationStatus Status { get; }

    /// <summary>Gets a value indicating whether the invocation succeeded.</summary>
    public bool Succeeded => Status == InvocationStatus.Succeeded;

    /// <summary>Gets the error, naming the connector's <c>file.csx:line</c> when known; <see langword="null"/> on success.</summary>
    public string? Error { get; }

    /// <summary>Gets the lines the connectors wrote to the tenant log during the invocation (<c>Warning: …</c> for levels other than Information; secrets redacted).</summary>
    public IReadOnlyList<string> Log { get; }

    /// <summary>Gets the data a customer provider's Fill returned; <see langword="null"/> for hooks and emails.</summary>
    public JsonObject? Data { get; }

    /// <summary>Gets the requests the connectors sent during the invocation, in order.</summary>
    public IReadOnlyList<SentRequest> Requests { get; }
}
