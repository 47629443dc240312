using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Turns a worker's answer to a call into the call's result. A worker runs tenant code, and code past the policy can write
/// its own frames on the channel, so nothing in an answer is taken as it is: the status must be one the engine knows, the
/// log is cleaned and held to the tenant's log limits again, the error is cleaned, the data must be a JSON object within
/// the depth the host reads, and a partner's wait is held to the longest the engine accepts; the account of a load is
/// cleaned the same way.
/// </summary>
internal static class WorkerReplies
{
    /// <summary>
    /// Makes a worker's account of its loaded connectors safe to keep and show: every text in it escaped (control characters
    /// in diagnostics, paths, names), its load log cleaned and held to the tenant's log limits, and counts not below zero.
    /// </summary>
    public static TenantState ToState(TenantState state, InvocationLimits limits) => state with
    {
        Diagnostics = [.. state.Diagnostics.Select(Clean)],
        Connectors = [.. state.Connectors.Select(c => c with
        {
            Path = TenantText.Clean(c.Path),
            Version = TenantText.Clean(c.Version),
            PassUpdaters = Math.Max(c.PassUpdaters, 0),
            CustomerProviders = [.. c.CustomerProviders.Select(TenantText.Clean)],
            Diagnostics = [.. c.Diagnostics.Select(Clean)],
        })],
        LoadLog = Log(state.LoadLog, limits),
        PassUpdaterCount = Math.Max(state.PassUpdaterCount, 0),
        CustomerProviders = [.. state.CustomerProviders.Select(TenantText.Clean)],
    };

    public static InvocationResult ToResult(InvocationReply reply, InvocationLimits limits)
    {
        var log = Log(reply.Log, limits);
        if (!Enum.IsDefined(reply.Status))
        {
            return new InvocationResult(InvocationStatus.Failed, log, SandboxMessages.InvalidReply("a status the engine does not know"), null);
        }

        if (reply.Cancelled)
        {
            return new InvocationResult(InvocationStatus.Failed, log, SandboxMessages.InvalidReply("a cancellation the host did not send"), null);
        }

        JsonObject? data = null;
        if (reply.Data is not null)
        {
            try
            {
                data = JsonNode.Parse(reply.Data, documentOptions: new JsonDocumentOptions { MaxDepth = FillResults.MaxDepth }) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (data is null)
            {
                return new InvocationResult(InvocationStatus.Failed, log, SandboxMessages.InvalidReply("data that is not a JSON object the host can read"), null);
            }
        }

        return new InvocationResult(reply.Status, log, reply.Error is null ? null : TenantText.Clean(reply.Error), data)
        {
            RetryAfter = reply.RetryAfterMs is { } wait ? TimeSpan.FromMilliseconds(Math.Clamp(wait, 0, (long)PartnerRetryAfter.Longest.TotalMilliseconds)) : null,
        };
    }

    /// <summary>A worker's tenant log, cleaned and held to the limits the in-process engine applies (the same <see cref="InvocationScope"/> rules).</summary>
    private static IReadOnlyList<TenantLogEntry> Log(IReadOnlyList<TenantLogEntry> entries, InvocationLimits limits)
    {
        var scope = new InvocationScope(CancellationToken.None, limits);
        foreach (var entry in entries)
        {
            scope.Write(entry.Level is >= LogLevel.Trace and <= LogLevel.Critical ? entry.Level : LogLevel.Information, TenantText.Clean(entry.Message));
        }

        return scope.Log;
    }

    // Scrubbed of engine names and paths here; the diagnostic escapes its own text (ConnectorDiagnostic).
    private static ConnectorDiagnostic Clean(ConnectorDiagnostic d) => d with
    {
        Path = TenantText.Scrub(d.Path),
        Code = TenantText.Scrub(d.Code),
        Message = TenantText.Scrub(d.Message),
        Severity = Enum.IsDefined(d.Severity) ? d.Severity : ConnectorDiagnosticSeverity.Error,
    };
}
