using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>Before measuring, runs every row once and fails unless each succeeded and sent the very same request.</summary>
internal static class SameRequestCheck
{
    public static void Run(InMemoryPartnerHandler handler, TenantConnectors tenant, PassInstallationEvent e, params (string Name, Func<Task> Call)[] rows)
    {
        if (tenant.HasErrors)
        {
            throw new InvalidOperationException("The sample tenant does not load: " + string.Join("; ", tenant.Diagnostics.Select(d => d.ToString())));
        }

        var engineResult = tenant.InvokePassUpdatersAsync(e, CancellationToken.None).GetAwaiter().GetResult();
        if (!engineResult.Succeeded)
        {
            throw new InvalidOperationException($"The engine row fails ({engineResult.Status}): {engineResult.Error}");
        }

        handler.Record = true;
        string? first = null;
        foreach (var (name, call) in rows)
        {
            call().GetAwaiter().GetResult();
            var request = handler.LastRequest;
            first ??= request;
            if (request != first)
            {
                throw new InvalidOperationException($"Row '{name}' sent a different request:\n{request}\n--- expected ---\n{first}");
            }
        }

        handler.Record = false;
        Console.WriteLine("// Every row sent: " + (first ?? "(no request)").Replace("\n", " | ", StringComparison.Ordinal));
    }
}
