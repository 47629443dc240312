using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// Runs tenant code and turns whatever happens (success, exception, timeout) into an <see cref="InvocationResult"/>:
/// the one place tenant exceptions are caught.
/// </summary>
internal sealed class ConnectorInvoker(ConnectorEngineOptions options)
{
    public async Task<InvocationResult> InvokePassUpdatersAsync(IReadOnlyList<BoundPassUpdater> updaters, PassInstallationEvent e, CancellationToken cancellationToken)
    {
        if (updaters.Count == 0)
        {
            return NotFound($"Tenant '{e.TenantId}' has no pass updater registered ({RegistrationKeys.PassUpdater}).");
        }

        using var timeout = new CancellationTokenSource(options.InvocationTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var scope = new InvocationScope(linked.Token);
        InvocationScope.Current = scope;

        var status = InvocationStatus.Succeeded;
        var errors = new List<string>();
        foreach (var updater in updaters)
        {
            var hook = e.Installed ? updater.Installed : updater.Uninstalled;
            var (outcome, error) = await RunAsync(() => hook(e, linked.Token), timeout, cancellationToken).ConfigureAwait(false);
            if (outcome != InvocationStatus.Succeeded)
            {
                status = status == InvocationStatus.TimedOut ? status : outcome;
                errors.Add(error!);
                if (outcome == InvocationStatus.TimedOut)
                {
                    break;
                }
            }
        }

        return new InvocationResult(status, scope.Log, errors.Count == 0 ? null : scope.Redact(string.Join(Environment.NewLine, errors)), null);
    }

    public async Task<InvocationResult> FillAsync(BoundCustomerProvider provider, FillRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.InvocationTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var scope = new InvocationScope(linked.Token);
        InvocationScope.Current = scope;

        System.Text.Json.Nodes.JsonObject? data = null;
        var (outcome, error) = await RunAsync(async () => data = await provider.Fill(request, linked.Token).ConfigureAwait(false), timeout, cancellationToken).ConfigureAwait(false);
        return new InvocationResult(outcome, scope.Log, error is null ? null : scope.Redact(error), outcome == InvocationStatus.Succeeded ? data : null);
    }

    public InvocationResult NotFound(string message) => new(InvocationStatus.NotFound, [], message, null);

    private async Task<(InvocationStatus Status, string? Error)> RunAsync(Func<Task> call, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        try
        {
            // Task.Run: a connector that blocks before its first await must not block the caller.
            await Task.Run(call, CancellationToken.None).WaitAsync(timeout.Token).ConfigureAwait(false);
            return (InvocationStatus.Succeeded, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (InvocationStatus.TimedOut, $"The connector did not finish within {options.InvocationTimeout.TotalSeconds:0.###} s (limit: InvocationTimeout).");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
        {
            return (InvocationStatus.Failed, ExceptionDescriber.Describe(exception));
        }
    }
}
