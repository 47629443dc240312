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
/// the depth the host reads, and a partner's wait is held to the longest the engine accepts.
/// </summary>
internal static class WorkerReplies
{
    public static InvocationResult ToResult(InvocationReply reply, InvocationLimits limits)
    {
        var scope = new InvocationScope(CancellationToken.None, limits);
        foreach (var entry in reply.Log)
        {
            scope.Write(entry.Level is >= LogLevel.Trace and <= LogLevel.Critical ? entry.Level : LogLevel.Information, TenantText.Clean(entry.Message));
        }

        if (!Enum.IsDefined(reply.Status))
        {
            return new InvocationResult(InvocationStatus.Failed, scope.Log, SandboxMessages.InvalidReply("a status the engine does not know"), null);
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
                return new InvocationResult(InvocationStatus.Failed, scope.Log, SandboxMessages.InvalidReply("data that is not a JSON object the host can read"), null);
            }
        }

        return new InvocationResult(reply.Status, scope.Log, reply.Error is null ? null : TenantText.Clean(reply.Error), data)
        {
            RetryAfter = reply.RetryAfterMs is { } wait ? TimeSpan.FromMilliseconds(Math.Clamp(wait, 0, (long)PartnerRetryAfter.Longest.TotalMilliseconds)) : null,
        };
    }
}
